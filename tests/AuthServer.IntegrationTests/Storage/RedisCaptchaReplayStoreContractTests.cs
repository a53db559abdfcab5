using Recovery.AuthServer.Captcha;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisCaptchaReplayStoreContractTests(RedisServerFixture fixture) : CaptchaReplayStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    protected override ICaptchaReplayStore CreateStore(TimeProvider time) => new RedisCaptchaReplayStore(redis.Connection);

    [Fact]
    public async Task Key_OnlyTheHashAndExpiresWithTheToken()
    {
        Assert.True(await UseAsync());

        var key = Assert.Single(await redis.ScanAsync());

        // Redis, not the sweeper, forgets it: the key lives exactly as long as the token would.
        Assert.Equal($"{redis.Prefix}{{c:{Token}}}:captcha", key.Key);
        Assert.NotNull(key.Ttl);
        Assert.InRange(key.Ttl!.Value, Lifetime - TimeSpan.FromSeconds(30), Lifetime);
    }

    public void Dispose() => redis.Dispose();
}
