using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage.Redis;
using Recovery.AuthServer.SharedTests.Customers;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>The customer rules table on the Redis provider (a real redis-server), whose Lua scripts mirror the functions.</summary>
public sealed class RedisCustomerRuleContractTests(RedisServerFixture fixture) : CustomerRuleContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private static readonly SecretKeys Keys = new(new byte[32], Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), new byte[32]);

    private readonly RedisStoreTest redis = new(fixture);

    protected override ICustomerRuleTarget CreateTarget() =>
        new StoreRuleTarget(
            new RedisCustomerStore(redis.Connection, Keys, new CryptoRandomSource()),
            new RedisRecoveryStore(redis.Connection, new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero))));

    public void Dispose() => redis.Dispose();
}
