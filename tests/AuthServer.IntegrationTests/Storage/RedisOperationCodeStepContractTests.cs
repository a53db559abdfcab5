using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisOperationCodeStepContractTests(RedisServerFixture fixture) : OperationCodeStepContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    public void Dispose() => redis.Dispose();

    private static readonly SecretKeys Keys = new(new byte[32], Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), new byte[32]);

    protected override (IOperationStore Operations, IChallengeStore Challenges, IWrongCodeLedger Ledger, IAuthenticatorStore Authenticators, ICustomerStore Customers)
        CreateStores(TimeProvider time) =>
        (new RedisOperationStore(redis.Connection, time), new RedisChallengeStore(redis.Connection, time), new RedisWrongCodeLedger(redis.Connection),
            new RedisAuthenticatorStore(redis.Connection, time), new RedisCustomerStore(redis.Connection, Keys, new CryptoRandomSource()));
}
