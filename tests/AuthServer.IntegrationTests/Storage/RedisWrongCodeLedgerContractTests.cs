using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisWrongCodeLedgerContractTests(RedisServerFixture fixture) : WrongCodeLedgerContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    [Fact]
    public async Task SettleAsync_ScopesShareOneSlotHoldNoSecretAndExpireAfterTheWindow()
    {
        var ledger = CreateLedger();

        await ledger.TakeAsync(["rc:card", "rd:doc"], "t1", Limit, Window, Time.GetUtcNow(), CancellationToken.None).Within();
        await ledger.SettleAsync(["rc:card", "rd:doc"], "t1", counted: true, Limit, Window, Time.GetUtcNow(), CancellationToken.None).Within();

        var keys = await redis.KeysAsync();
        Assert.Equal(
            [redis.Connection.KeyPrefix + "{wc}:rc:card", redis.Connection.KeyPrefix + "{wc}:rd:doc"],
            keys.Keys.Order(StringComparer.Ordinal));
        Assert.All(keys.Values, ttl =>
        {
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, Window, Window + TimeSpan.FromMinutes(1));
        });
    }

    public void Dispose() => redis.Dispose();

    protected override IWrongCodeLedger CreateLedger() => new RedisWrongCodeLedger(redis.Connection);
}
