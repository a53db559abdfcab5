using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.Client;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The other half of <see cref="RedisAbandonedChangeTests"/>: a change's announcement that no dispatcher heard (none
/// was listening, as when every subscription is reconnecting). The node that confirmed runs no dispatcher; a second
/// node sharing its Redis starts afterwards and its first sweep finds the applied change's hold and releases it,
/// without waiting for <c>Notifications:HoldTimeout</c>.
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
    public async Task ConfirmRecovery_NoDispatcherHeardTheChange_AnotherNodesFirstSweepSendsTheHeldMessages()
    {
        var (started, code) = await StartAsync(DemoCustomer.Maria);
        await Api.ConfirmAsync(started.RecoveryId, code);
        await AssertLoginRefusedAsync(DemoCustomer.Maria, DemoCustomer.Maria.InitialPassword);
        var sink = new DevSinkReader(sinkPath);
        var mark = sink.Mark();

        // Neither clock moves: the hold's time never comes, so only the sweep's look at the fence can send them.
        await using var other = new RecoveryServerFactory(new ServerOptions(DevSinkPath: sinkPath, Redis: redis));
        _ = other.Services;
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
