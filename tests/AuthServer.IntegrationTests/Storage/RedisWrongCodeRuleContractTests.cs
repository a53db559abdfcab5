using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.SharedTests.Otp;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>The wrong-code rule table on a real redis-server: the Lua scripts against WrongCodeRules, row by row.</summary>
public sealed class RedisWrongCodeRuleContractTests(RedisServerFixture fixture) : WrongCodeRuleContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    public void Dispose() => redis.Dispose();

    protected override IWrongCodeLedger CreateLedger() => new RedisWrongCodeLedger(redis.Connection);
}
