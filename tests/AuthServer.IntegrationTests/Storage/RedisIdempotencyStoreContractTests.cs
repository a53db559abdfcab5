using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisIdempotencyStoreContractTests(RedisServerFixture fixture) : IdempotencyStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    protected override IIdempotencyStore CreateStore(TimeProvider time) => new RedisIdempotencyStore(redis.Connection);

    [Fact]
    public async Task Keys_InProgressAndCompleted_ExpireAfterTheTtl()
    {
        await BeginAsync();
        AssertTtl(Ttl, Assert.Single(await redis.ScanAsync()).Ttl);

        Time.Advance(TimeSpan.FromMinutes(3));
        await Store.CompleteAsync(Scope, [1], Now, Ttl, Ct).Within();

        // Completion restarts the lifetime: a retry has the whole TTL to fetch the response.
        AssertTtl(Ttl, Assert.Single(await redis.ScanAsync()).Ttl);
    }

    [Fact]
    public async Task Keys_OneTagPerScopeAndOnlyHashesStored()
    {
        const string ClientKey = "client-chosen-key-42";
        var scope = StoreContractSecrets.Mac("/recovery.v1.RecoveryService/StartRecovery\nweb\n" + ClientKey);
        await Store.TryBeginAsync(scope, Request, Now, Ttl, Ct).Within();
        await Store.CompleteAsync(scope, "response"u8.ToArray(), Now, Ttl, Ct).Within();

        var key = Assert.Single(await redis.ScanAsync());

        Assert.Equal($"{redis.Prefix}{{i:{scope}}}:idem", key.Key);
        Assert.False(key.Contains(ClientKey));
        Assert.False(key.Contains("StartRecovery"));
    }

    private static void AssertTtl(TimeSpan expected, TimeSpan? actual)
    {
        Assert.NotNull(actual);
        Assert.InRange(actual.Value, expected - TimeSpan.FromSeconds(30), expected);
    }

    public void Dispose() => redis.Dispose();
}
