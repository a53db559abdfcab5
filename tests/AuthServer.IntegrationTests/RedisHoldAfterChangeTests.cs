using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Storage.Redis;
using Recovery.Client;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// A hold sent in one pipeline with its change (<see cref="CredentialChanges"/>) reaches another node on Redis Cluster,
/// so the change may run, and announce itself, before its hold exists: the dispatchers that heard the change found
/// nothing to settle. The hold's own announcement (<c>held &lt;change id&gt;</c>) makes them read the fence and settle it
/// then: an applied change's messages go at once, a dropped one's are deleted; neither waits for a sweep or for
/// <c>Notifications:HoldTimeout</c>. The clock never moves here, so nothing else can settle the hold.
/// </summary>
public sealed class RedisHoldAfterChangeTests : RedisDispatchingTest
{
    private static readonly DemoCustomer Maria = DemoCustomer.Maria;

    public RedisHoldAfterChangeTests(RedisServerFixture fixture)
        : base(fixture, "held")
    {
    }

    [Fact]
    public async Task HoldAsync_ChangeAppliedBeforeTheHoldWasStored_DispatcherReleasesItOnTheHoldsAnnouncement()
    {
        var sink = await DispatcherPastItsFirstSweepAsync();
        var changeId = CredentialChanges.OfRecovery("held-after-" + Guid.NewGuid().ToString("N"));
        var customers = Factory.Services.GetRequiredService<ICustomerStore>();
        var mark = sink.Mark();

        // The change first, its announcement heard and found no hold.
        await customers.RestoreWithTemporaryPasswordAsync(Maria.Id, new byte[32], Time.GetUtcNow().AddHours(1), 5, changeId, CancellationToken.None)
            .WaitAsync(RecoveryApi.Timeout);
        await AnnouncementsReadAsync(sink);
        await OutboxService().HoldAsync(changeId, Maria.Id, Messages("Held#After#Change1"), CancellationToken.None).AsTask().WaitAsync(RecoveryApi.Timeout);

        var sms = await sink.WaitForAsync(mark, NotificationTemplates.RecoveryTemporaryPassword, DeliveryTimeout);
        var email = await sink.WaitForAsync(mark, NotificationTemplates.RecoveryUserCode, DeliveryTimeout);
        Assert.Equal("Held#After#Change1", sms.GetValue("temporary_password"));
        Assert.Equal(Maria.UserCode, email.GetValue("user_code"));
        await HoldGoneAsync(changeId);
    }

    [Fact]
    public async Task HoldAsync_ChangeSettledAsDroppedBeforeTheHoldWasStored_DispatcherDeletesItUnsent()
    {
        var sink = await DispatcherPastItsFirstSweepAsync();
        var changeId = CredentialChanges.OfRecovery("held-dropped-" + Guid.NewGuid().ToString("N"));
        var customers = Factory.Services.GetRequiredService<ICustomerStore>();
        await NoMessageStoredAsync();
        var mark = sink.Mark();

        Assert.False(await customers.SettleChangeAsync(Maria.Id, changeId, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
        await OutboxService().HoldAsync(changeId, Maria.Id, Messages("Held#Dropped#Chg2"), CancellationToken.None).AsTask().WaitAsync(RecoveryApi.Timeout);

        await HoldGoneAsync(changeId);

        // Deleted, not released: a released message is stored until its delivery is acknowledged, which comes after the
        // sink has it, so it would show in one of the two, looked at in this order.
        Assert.Empty(await StoredMessagesAsync());
        Assert.Empty(sink.ReadSince(mark));
    }

    [Fact]
    public async Task HoldAsync_ChangeNotYetDecided_HoldStaysAndTheChangeStillApplies()
    {
        var sink = await DispatcherPastItsFirstSweepAsync();
        var changeId = CredentialChanges.OfRecovery("held-first-" + Guid.NewGuid().ToString("N"));
        var customers = Factory.Services.GetRequiredService<ICustomerStore>();
        var mark = sink.Mark();

        await OutboxService().HoldAsync(changeId, Maria.Id, Messages("Held#Before#Chg3"), CancellationToken.None).AsTask().WaitAsync(RecoveryApi.Timeout);

        await AnnouncementsReadAsync(sink);
        Assert.DoesNotContain(sink.ReadSince(mark), m => m.Template != NotificationTemplates.RecoveryCode);
        Assert.True(await Redis(db => db.KeyExistsAsync(HoldKey(changeId))), "The undecided change's hold was settled.");

        // The read decided nothing: the change still applies, and its own announcement sends the messages.
        await customers.RestoreWithTemporaryPasswordAsync(Maria.Id, new byte[32], Time.GetUtcNow().AddHours(1), 5, changeId, CancellationToken.None)
            .WaitAsync(RecoveryApi.Timeout);
        var sms = await sink.WaitForAsync(mark, NotificationTemplates.RecoveryTemporaryPassword, DeliveryTimeout);
        Assert.Equal("Held#Before#Chg3", sms.GetValue("temporary_password"));
    }

    private INotificationOutbox OutboxService() => Factory.Services.GetRequiredService<INotificationOutbox>();

    private IReadOnlyList<Notification> Messages(string temporaryPassword)
    {
        var texts = Factory.Services.GetRequiredService<NotificationTexts>();
        return
        [
            texts.UserCodeEmail(Maria.Email, Maria.DisplayName, Maria.UserCode, Language.Spanish),
            texts.TemporaryPasswordSms(Maria.Phone, temporaryPassword, TimeSpan.FromHours(1), Language.Spanish),
        ];
    }

    // The dispatcher sweeps once as it starts (a hold whose change applied is released by that sweep whatever its
    // announcements); with the clock still, never again. A message it delivered was taken after that sweep.
    private async Task<DevSinkReader> DispatcherPastItsFirstSweepAsync()
    {
        var sink = new DevSinkReader(SinkPath);
        var mark = sink.Mark();
        await Api.StartAsync(DemoCustomer.John);
        await sink.WaitForAsync(mark, NotificationTemplates.RecoveryCode, DeliveryTimeout);
        return sink;
    }

    // A message queued by another node reaches this node's reader only by the announcements, in the order they were
    // made, and the reader reads the changes announced before it takes a message: once the message is delivered, what
    // was announced before it has been read.
    private async Task AnnouncementsReadAsync(DevSinkReader sink)
    {
        var mark = sink.Mark();
        await using var other = new RecoveryServerFactory(new ServerOptions(Redis: (RedisServer.Configuration, Prefix), Services: RedisTripProxy.WithoutBackgroundReaders));
        var texts = other.Services.GetRequiredService<NotificationTexts>();
        await other.Services.GetRequiredService<INotificationOutbox>()
            .EnqueueAsync(texts.RecoveryCodeSms(DemoCustomer.John.Phone, "424242", TimeSpan.FromMinutes(5), Language.English), CancellationToken.None)
            .AsTask().WaitAsync(RecoveryApi.Timeout);
        await sink.WaitForAsync(mark, NotificationTemplates.RecoveryCode, DeliveryTimeout);
    }

    private RedisKey HoldKey(string changeId) => Factory.Services.GetRequiredService<RedisNotificationOutbox>().HoldKeyOf(changeId);

    private async Task HoldGoneAsync(string changeId)
    {
        var deadline = DateTime.UtcNow + DeliveryTimeout;
        while (await Redis(db => db.KeyExistsAsync(HoldKey(changeId))))
        {
            Assert.True(DateTime.UtcNow < deadline, "The hold was never settled.");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private async Task<string[]> StoredMessagesAsync()
    {
        await using var connection = await RedisServer.ConnectAsync().WaitAsync(RecoveryApi.Timeout);
        var keys = new List<string>();
        var redis = connection.GetServer(connection.GetEndPoints()[0]);
        await foreach (var key in redis.KeysAsync(pattern: Prefix + "{outbox*}:m:*").WithCancellation(CancellationToken.None))
        {
            keys.Add(key.ToString());
        }

        return [.. keys];
    }

    // The message of the warm-up is acknowledged (deleted) just after the sink has it.
    private async Task NoMessageStoredAsync()
    {
        var deadline = DateTime.UtcNow + DeliveryTimeout;
        while ((await StoredMessagesAsync().WaitAsync(RecoveryApi.Timeout)).Length > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "A delivered message was never acknowledged.");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private async Task<T> Redis<T>(Func<IDatabase, Task<T>> read)
    {
        await using var connection = await RedisServer.ConnectAsync().WaitAsync(RecoveryApi.Timeout);
        return await read(connection.GetDatabase()).WaitAsync(RecoveryApi.Timeout);
    }
}
