using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage.Redis;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisAuthenticatorStoreContractTests(RedisServerFixture fixture) : AuthenticatorStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

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

    [Fact]
    public async Task ConfirmWithSmsCodeAsync_RightOrWrongCode_FenceInTheCustomersSlotAndTheChangeAnnouncedToTheOutbox()
    {
        // The outbox's readers hear "settle <change id>" and release or delete the e-mail held under it by the fence.
        var mux = await redis.Connection.GetMultiplexerAsync().WaitAsync(Wait);
        var heard = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var subscription = await mux.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisNotificationOutbox.AnnounceChannel(redis.Connection))).WaitAsync(Wait);
        subscription.OnMessage(m => heard.Writer.TryWrite((string)m.Message!));
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, CancellationToken.None).Timeout();
        await IssueSmsCodeAsync("e-1");

        await SmsCodeAsync(store, "e-1", WrongMac, limit: 10, "t-1", "chg-wrong");
        await SmsCodeAsync(store, "e-1", RightMac, limit: 10, "t-2", "chg-right");

        Assert.Equal("settle chg-wrong", await heard.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal("settle chg-right", await heard.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        await subscription.UnsubscribeAsync().WaitAsync(Wait);
        var keys = await redis.KeysAsync();
        var fence = redis.Connection.KeyPrefix + "{c:c-1}:chg:chg-right";
        Assert.Equal((RedisKey)fence, RedisCustomerStore.ChangeKey(redis.Connection, Customer, "chg-right"));
        Assert.InRange(keys[fence]!.Value, TimeSpan.FromDays(6), TimeSpan.FromDays(7));
        Assert.Contains(redis.Connection.KeyPrefix + "{c:c-1}:chg:chg-wrong", keys.Keys);
    }

    public void Dispose() => redis.Dispose();

    protected override IAuthenticatorStore CreateStore(TimeProvider time) => new RedisAuthenticatorStore(redis.Connection, time);

    protected override IWrongCodeLedger Ledger => new RedisWrongCodeLedger(redis.Connection);
}
