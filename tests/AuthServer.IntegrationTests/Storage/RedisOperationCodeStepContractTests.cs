using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisOperationCodeStepContractTests(RedisServerFixture fixture) : OperationCodeStepContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    public void Dispose() => redis.Dispose();

    protected override (IOperationStore Operations, IChallengeStore Challenges, IWrongCodeLedger Ledger, IAuthenticatorStore Authenticators) CreateStores(TimeProvider time) =>
        (new RedisOperationStore(redis.Connection, time), new RedisChallengeStore(redis.Connection, time), new RedisWrongCodeLedger(redis.Connection), new RedisAuthenticatorStore(redis.Connection, time));
}
