using System.Text;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications.Sms;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisSmsDeliveryStoreContractTests(RedisServerFixture fixture) : SmsDeliveryStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    [Fact]
    public async Task Keys_InTheSmsSlot_NoPhoneOrCodeInClear_CopyGoneOnceHandedOn()
    {
        var store = CreateStore();
        await store.OpenAsync("m1", Phone, Sms("424242"), Time.GetUtcNow(), CancellationToken.None).Timeout();
        await store.TryClaimAsync("m1", "a", Time.GetUtcNow(), CancellationToken.None).Timeout();
        await store.SettleAsync("m1", "a", SmsDeliveryState.Submitted, Time.GetUtcNow(), CancellationToken.None).Timeout();

        var keys = await redis.KeysAsync();
        var prefix = redis.Connection.KeyPrefix;
        Assert.Equal(
            new[] { prefix + "{sms}:d:m1", prefix + "{sms}:ph:" + Phone, prefix + "{sms}:x:m1" }.Order(),
            keys.Keys.Order());
        Assert.All(keys.Values, ttl => Assert.NotNull(ttl));
        Assert.InRange(keys[prefix + "{sms}:x:m1"]!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        await using var direct = await fixture.Server.ConnectAsync();
        var db = direct.GetDatabase();
        var stored = string.Join("|", (await db.HashGetAllAsync(prefix + "{sms}:d:m1")).Select(e => e.Name + "=" + e.Value))
            + Encoding.Latin1.GetString((byte[])(await db.StringGetAsync(prefix + "{sms}:x:m1"))!);
        Assert.DoesNotContain("424242", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("600000001", stored, StringComparison.Ordinal);

        await store.ReportAsync("m1", "a", SmsDeliveryState.Failed, Time.GetUtcNow(), CancellationToken.None).Timeout();
        Assert.DoesNotContain(prefix + "{sms}:x:m1", (await redis.KeysAsync()).Keys);
    }

    public void Dispose() => redis.Dispose();

    protected override ISmsDeliveryStore CreateStore() =>
        new RedisSmsDeliveryStore(redis.Connection, new SecretKeys(new byte[32], Enumerable.Repeat((byte)7, 32).ToArray(), new byte[32]), new CryptoRandomSource(), Options);
}
