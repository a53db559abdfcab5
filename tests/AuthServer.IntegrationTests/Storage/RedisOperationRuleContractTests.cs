using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.SharedTests.Operations;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>The operation rule table on a real redis-server: the Lua scripts against OperationRules, row by row.</summary>
public sealed class RedisOperationRuleContractTests(RedisServerFixture fixture) : OperationRuleContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    public void Dispose() => redis.Dispose();

    protected override IOperationStore CreateStore(TimeProvider time) => new RedisOperationStore(redis.Connection, time);
}
