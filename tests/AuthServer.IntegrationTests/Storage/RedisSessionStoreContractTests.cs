using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Sessions;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisSessionStoreContractTests(RedisServerFixture fixture) : SessionStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    protected override ISessionStore CreateStore(TimeProvider time) => new RedisSessionStore(redis.Connection, time);

    [Fact]
    public async Task Keys_TicketAndSession_ExpireAfterTheirLogicalLifetimePlusMargin()
    {
        await CreateTicket();
        await Store.CreateSessionAsync(new SessionRecord("s-1", "c-1", Now.AddMinutes(10)), Ct).Within();

        var keys = await redis.ScanAsync();

        Assert.Equal(2, keys.Count);
        AssertTtl(Idle + RedisRecoveryStore.TtlMargin, Assert.Single(keys, k => k.Key.EndsWith(":ticket", StringComparison.Ordinal)).Ttl);
        AssertTtl(TimeSpan.FromMinutes(10) + RedisRecoveryStore.TtlMargin, Assert.Single(keys, k => k.Key.EndsWith(":session", StringComparison.Ordinal)).Ttl);
    }

    [Fact]
    public async Task TouchTicketAsync_NearTheCap_TtlShrinksToTheCap()
    {
        await CreateTicket(absolute: TimeSpan.FromMinutes(15));
        Time.Advance(TimeSpan.FromMinutes(4));
        await Store.TouchTicketAsync("t-1", Now, Ct).Within();
        Time.Advance(TimeSpan.FromMinutes(4));
        await Store.TouchTicketAsync("t-1", Now, Ct).Within();
        Time.Advance(TimeSpan.FromMinutes(4));

        await Store.TouchTicketAsync("t-1", Now, Ct).Within(); // 12 minutes: 3 left before the cap

        AssertTtl(TimeSpan.FromMinutes(3) + RedisRecoveryStore.TtlMargin, Assert.Single(await redis.ScanAsync()).Ttl);
    }

    [Fact]
    public async Task TouchTicketAsync_Expired_KeyDeleted()
    {
        await CreateTicket();
        Time.Advance(Idle);

        Assert.Null(await Store.TouchTicketAsync("t-1", Now, Ct).Within());

        Assert.Empty(await redis.ScanAsync());
    }

    private static void AssertTtl(TimeSpan expected, TimeSpan? actual)
    {
        Assert.NotNull(actual);
        Assert.InRange(actual.Value, expected - TimeSpan.FromSeconds(30), expected);
    }

    public void Dispose() => redis.Dispose();
}
