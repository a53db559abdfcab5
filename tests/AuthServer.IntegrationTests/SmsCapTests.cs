using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The per-phone SMS cap (<c>Notifications:SmsPerPhone</c>) is applied at delivery, after the reply: a caller
/// who opens recoveries for one card past the cap gets the same answers as before it, so the cap tells nothing
/// about the card or its customer. Run once per storage provider by the sealed subclasses.
/// </summary>
public abstract class SmsCapTests : IntegrationTest
{
    private static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(20);

    private protected SmsCapTests((string Configuration, string KeyPrefix)? redis = null)
        : base(new ServerOptions(Redis: redis, Settings: new Dictionary<string, string>
        {
            ["Notifications:SmsPerPhone:Limit"] = "1",
            ["Notifications:SmsPerPhone:Period"] = "1.00:00:00",
        }))
    {
    }

    [Fact]
    public async Task StartRecovery_OverThePhonesSmsCap_SameAnswerAsBeforeAndTheSmsDroppedAtDelivery()
    {
        var maria = DemoCustomer.Maria;
        var mark = Outbox.Count;

        var withinCap = await Api.StartAsync(maria);
        var overCap = await Api.StartAsync(maria);

        // Same status and the same message but for the fresh recovery id; each asked for its own code SMS.
        Assert.NotEqual(withinCap.RecoveryId, overCap.RecoveryId);
        var (a, b) = (withinCap.Clone(), overCap.Clone());
        a.RecoveryId = b.RecoveryId = string.Empty;
        Assert.Equal(a, b);
        Assert.Equal(2, Outbox.Since(mark).Count(n => n.Template == NotificationTemplates.RecoveryCode && n.To == maria.Phone));

        // The second never leaves: the dispatcher drops it at delivery and audits it, once.
        var deadline = DateTime.UtcNow + DeliveryWait;
        while (Audit.Of("notification.sms").All(e => e.Outcome != "capped") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Task.Delay(500);
        var capped = Assert.Single(Audit.Of("notification.sms"), e => e.Outcome == "capped");
        Assert.Equal(NotificationTemplates.RecoveryCode, capped.Detail);
    }
}

public sealed class InMemorySmsCapTests : SmsCapTests;

public sealed class RedisSmsCapTests(RedisServerFixture fixture)
    : SmsCapTests((fixture.Server.Configuration, RedisServerFixture.UniquePrefix())), IClassFixture<RedisServerFixture>;
