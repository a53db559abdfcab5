using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisAuthenticatorStoreContractTests(RedisServerFixture fixture) : AuthenticatorStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    protected override IChallengeStore Challenges => new RedisChallengeStore(redis.Connection, Time);

    protected override ICustomerStore Customers => new RedisCustomerStore(redis.Connection, new SecretKeys(new byte[32], new byte[32], new byte[32]), new CryptoRandomSource());

    [Fact]
    public async Task Keys_UnderTheCustomersTag_PendingExpiresConfirmedIsDurable()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, CancellationToken.None).Timeout();

        var (pendingKey, ttl) = Assert.Single(await redis.KeysAsync());
        Assert.Equal(redis.Connection.KeyPrefix + "{c:c-1}:authenticator:pending", pendingKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, EnrolmentLifetime, EnrolmentLifetime + TimeSpan.FromMinutes(10));

        await store.ConfirmAsync(Customer, "e-1", 100, 3, Time.GetUtcNow(), CancellationToken.None).Timeout();

        // The confirmed authenticator is a credential: durable, no TTL. Its secret is only ciphertext.
        var (confirmedKey, confirmedTtl) = Assert.Single(await redis.KeysAsync());
        Assert.Equal(redis.Connection.KeyPrefix + "{c:c-1}:authenticator", confirmedKey);
        Assert.Null(confirmedTtl);
    }

    public void Dispose() => redis.Dispose();

    protected override IAuthenticatorStore CreateStore(TimeProvider time) => new RedisAuthenticatorStore(redis.Connection, time);
}
