using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.SharedTests.Otp;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>The challenge rule table on a real redis-server: the Lua scripts against ChallengeRules, row by row.</summary>
public sealed class RedisChallengeRuleContractTests(RedisServerFixture fixture) : ChallengeRuleContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    public void Dispose() => redis.Dispose();

    protected override IChallengeStore CreateStore(TimeProvider time) => new RedisChallengeStore(redis.Connection, time);
}
