using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Sessions;
using Recovery.AuthServer.SharedTests.Sessions;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>The session rule table on a real redis-server: the touch script against SessionRules, row by row.</summary>
public sealed class RedisSessionRuleContractTests(RedisServerFixture fixture) : SessionRuleContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    public void Dispose() => redis.Dispose();

    protected override ISessionStore CreateStore(TimeProvider time) => new RedisSessionStore(redis.Connection, time);
}
