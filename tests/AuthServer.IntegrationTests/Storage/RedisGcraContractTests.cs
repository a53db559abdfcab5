using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.SharedTests.RateLimiting;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>The GCRA table on a real redis-server: the Lua script against Gcra.Acquire, row by row.</summary>
public sealed class RedisGcraContractTests(RedisServerFixture fixture) : GcraContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    public void Dispose() => redis.Dispose();

    protected override IRateLimiter CreateLimiter() => new RedisRateLimiter(redis.Connection);
}
