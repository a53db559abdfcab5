using Grpc.Core;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.Client;
using Recovery.V1;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Issue 9 item 8 on Redis, the node-death case: the credentials change applied, then the node could neither answer
/// nor settle the held messages (it "died"). The change's own script announced it, so a dispatcher releases the held
/// messages without the node and without waiting for <c>Notifications:HoldTimeout</c>; when no dispatcher heard the
/// announcement, one settles the hold once the timeout has passed. Either way the customer receives the temporary
/// password.
/// </summary>
public sealed class RedisAbandonedChangeTests : IntegrationTest, IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);
    private readonly string sinkPath;
    private readonly RedisServer server;
    private readonly string prefix;

    public RedisAbandonedChangeTests(RedisServerFixture fixture)
        : this(fixture, Path.Combine(Path.GetTempPath(), "abandoned-" + Guid.NewGuid().ToString("N") + ".jsonl"))
    {
    }

    private RedisAbandonedChangeTests(RedisServerFixture fixture, string sinkPath)
        : this(fixture, sinkPath, RedisServerFixture.UniquePrefix())
    {
    }

    private RedisAbandonedChangeTests(RedisServerFixture fixture, string sinkPath, string prefix)
        : base(new ServerOptions(
            DevSinkPath: sinkPath,
            Redis: (fixture.Server.Configuration, prefix),
            Services: ArmFaults))
    {
        this.sinkPath = sinkPath;
        server = fixture.Server;
        this.prefix = prefix;
    }

    [Theory]
    [InlineData("INotificationOutbox.ReleaseAnnouncedAsync:before", null)] // the node dies before it answers
    [InlineData("ICustomerStore.RestoreWithTemporaryPasswordAsync:after", "ICustomerStore.SettleChangeAsync:before")] // the reply and the settle are lost
    public async Task ConfirmRecovery_NodeDiesAfterTheChange_DispatcherSendsTheHeldMessagesOnTheChangesAnnouncement(string first, string? second)
    {
        var (started, code) = await StartAsync(DemoCustomer.Maria);
        var faults = (Faults)Factory.Services.GetService(typeof(Faults))!;
        faults.Arm(first);
        if (second is not null)
        {
            faults.Arm(second);
        }

        var sink = new DevSinkReader(sinkPath);
        var mark = sink.Mark();
        await DispatcherListeningAsync();

        (await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, code))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");
        Assert.Equal(second is null ? [first] : [first, second], faults.Fired);

        // The clock stays before the hold's time: only the announcement can have released them.
        var sms = await sink.WaitForAsync(mark, NotificationTemplates.RecoveryTemporaryPassword, DeliveryTimeout);
        var email = await sink.WaitForAsync(mark, NotificationTemplates.RecoveryUserCode, DeliveryTimeout);

        Assert.Equal(DemoCustomer.Maria.UserCode, email.GetValue("user_code"));
        await AssertChangeRequiredAsync(DemoCustomer.Maria, sms.GetValue("temporary_password"));
    }

    // The node's dispatcher subscribes to the outbox's channel as it starts, beside the test's first calls: the change is
    // made once it listens, so that its announcement cannot be missed on a slow machine (RedisUnheardChangeTests is that case).
    private async Task DispatcherListeningAsync()
    {
        await using var connection = await server.ConnectAsync();
        var channel = prefix + "outbox:announce";
        var deadline = DateTime.UtcNow + DeliveryTimeout;
        while ((long)((RedisResult[])(await connection.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel))!)[1] < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "The node's dispatcher never subscribed to " + channel);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(sinkPath);
    }

    private static void ArmFaults(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        var faults = new Faults();
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, faults);
        RecoveryServerFactory.Decorate<ICustomerStore>(services, (inner, _) => faults.Wrap(inner));
        RecoveryServerFactory.Decorate<INotificationOutbox>(services, (inner, _) => faults.Wrap(inner));
    }
}
