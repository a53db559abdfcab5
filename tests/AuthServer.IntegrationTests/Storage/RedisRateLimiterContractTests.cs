using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisRateLimiterContractTests(RedisServerFixture fixture) : RateLimiterContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    [Fact]
    public async Task TryAcquireAsync_BucketsShareOneSlotAndExpireOnceTheirArrivalTimeHasPassed()
    {
        var limiter = CreateLimiter();

        await Acquire(limiter, new RateLimitKey("card:x", FivePerHour), new RateLimitKey("doc:d", FivePerHour));

        var keys = await redis.KeysAsync();
        Assert.Equal(
            [redis.Connection.KeyPrefix + "{rl}:card:x", redis.Connection.KeyPrefix + "{rl}:doc:d"],
            keys.Keys.Order(StringComparer.Ordinal));

        // One unit of five per hour: the bucket means something for 12 minutes, plus a second's margin.
        Assert.All(keys.Values, ttl =>
        {
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromMinutes(11), TimeSpan.FromMinutes(12) + TimeSpan.FromSeconds(1));
        });
    }

    public void Dispose() => redis.Dispose();

    protected override IRateLimiter CreateLimiter() => new RedisRateLimiter(redis.Connection);
}
