using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.Client;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The other half of <see cref="RedisAbandonedChangeTests"/>: a change's announcement that no dispatcher heard (none
/// was listening, as when every subscription is reconnecting). The node that confirmed runs no dispatcher; a second
/// node sharing its Redis starts afterwards and settles the hold once <c>Notifications:HoldTimeout</c> has passed, and
/// not before.
/// </summary>
public sealed class RedisUnheardChangeTests : IntegrationTest, IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);
    private readonly (string Configuration, string KeyPrefix) redis;
    private readonly string sinkPath = Path.Combine(Path.GetTempPath(), "unheard-" + Guid.NewGuid().ToString("N") + ".jsonl");

    public RedisUnheardChangeTests(RedisServerFixture fixture)
        : this((fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))
    {
    }

    private RedisUnheardChangeTests((string Configuration, string KeyPrefix) redis)
        : base(new ServerOptions(Redis: redis, Services: RedisTripProxy.WithoutBackgroundReaders)) =>
        this.redis = redis;

    [Fact]
    public async Task ConfirmRecovery_NoDispatcherHeardTheChange_AnotherNodeSendsTheHeldMessagesAfterTheHoldTimeout()
    {
        var (started, code) = await StartAsync(DemoCustomer.Maria);
        await Api.ConfirmAsync(started.RecoveryId, code);
        await AssertLoginRefusedAsync(DemoCustomer.Maria, DemoCustomer.Maria.InitialPassword);

        await using var other = new RecoveryServerFactory(new ServerOptions(DevSinkPath: sinkPath, Redis: redis));
        _ = other.Services;
        var sink = new DevSinkReader(sinkPath);
        var mark = sink.Mark();

        // Held, applied, unannounced to anyone listening: nothing goes out before the hold's time.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.DoesNotContain(sink.ReadSince(mark), m => m.Template == NotificationTemplates.RecoveryTemporaryPassword);

        other.Time.Advance(new NotificationOptions().HoldTimeout + TimeSpan.FromSeconds(1));
        var sms = await sink.WaitForAsync(mark, NotificationTemplates.RecoveryTemporaryPassword, DeliveryTimeout);
        var email = await sink.WaitForAsync(mark, NotificationTemplates.RecoveryUserCode, DeliveryTimeout);

        Assert.Equal(DemoCustomer.Maria.UserCode, email.GetValue("user_code"));
        await AssertChangeRequiredAsync(DemoCustomer.Maria, sms.GetValue("temporary_password"));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(sinkPath);
    }
}
