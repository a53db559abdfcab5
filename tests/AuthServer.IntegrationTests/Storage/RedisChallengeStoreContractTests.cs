using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisChallengeStoreContractTests(RedisServerFixture fixture) : ChallengeStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    [Fact]
    public async Task CreateAsync_OneHashTaggedKey_WithTtlOfLifetimePlusRetention()
    {
        var store = CreateStore(Time);

        await store.CreateAsync(NewChallenge("a"), CancellationToken.None).Timeout();

        var (key, ttl) = Assert.Single(await redis.KeysAsync());
        Assert.Equal(redis.Connection.KeyPrefix + "{ch:a}:challenge", key);
        AssertNear(Limits.Lifetime + TimeSpan.FromHours(1), ttl);
    }

    [Fact]
    public async Task ReissueAsync_LaterCode_ExtendsTheTtlFromTheStoresClock()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), CancellationToken.None).Timeout();
        Time.Advance(TimeSpan.FromMinutes(4));

        await store.ReissueAsync("a", [1], Time.GetUtcNow(), Limits, CancellationToken.None).Timeout();

        // The TTL is measured from the clock the store was given (fake here), not from Redis's clock.
        AssertNear(Limits.Lifetime + TimeSpan.FromHours(1), Assert.Single(await redis.KeysAsync()).Value);
    }

    public void Dispose() => redis.Dispose();

    protected override IChallengeStore CreateStore(TimeProvider time) => new RedisChallengeStore(redis.Connection, time);

    private static void AssertNear(TimeSpan expected, TimeSpan? actual)
    {
        Assert.NotNull(actual);
        Assert.InRange(actual.Value, expected - TimeSpan.FromSeconds(30), expected);
    }
}
