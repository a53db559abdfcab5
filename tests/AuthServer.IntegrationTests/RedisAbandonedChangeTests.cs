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
public sealed class RedisAbandonedChangeTests : RedisDispatchingTest
{
    public RedisAbandonedChangeTests(RedisServerFixture fixture)
        : base(fixture, "abandoned", ArmFaults)
    {
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

        var sink = new DevSinkReader(SinkPath);
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

    private static void ArmFaults(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        var faults = new Faults();
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, faults);
        RecoveryServerFactory.Decorate<ICustomerStore>(services, (inner, _) => faults.Wrap(inner));
        RecoveryServerFactory.Decorate<INotificationOutbox>(services, (inner, _) => faults.Wrap(inner));
    }
}
