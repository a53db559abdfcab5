using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;

namespace Recovery.AuthServer.IntegrationTests.Sms;

/// <summary>SMS through a real Kannel (bearerbox + smsbox, loopback SMSC) that routes every message back to the test.</summary>
public sealed class KannelSmsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private KannelGateway? kannel;

    private KannelGateway Kannel => kannel!;

    public async Task InitializeAsync() => kannel = await KannelGateway.StartAsync();

    public async Task DisposeAsync()
    {
        if (kannel is not null)
        {
            await kannel.DisposeAsync();
        }
    }

    [Fact]
    public async Task StartRecovery_ThroughKannel_CodeSmsRoutedBackWithItsTextAndItsDeliveryReportRecorded()
    {
        await using var server = SmsServer.Start([SmsServer.Kannel("kannel", Kannel)]);
        var customer = DemoCustomer.Seed;

        await server.Api.StartAsync(customer).WaitAsync(Timeout);

        var sms = server.Outbox.Single(0, NotificationTemplates.RecoveryCode);
        var routed = await Kannel.WaitForAsync(sms.Values["code"], Timeout);
        Assert.Equal((customer.Phone, "BANCO", sms.Text), (routed.To, routed.From, routed.Text));
        Assert.Equal("0", routed.Coding); // the Spanish SMS texts are written in GSM-7 (docs/notifications.md): 7-bit

        // Kannel's report (type 8, SMSC ack) came back to the listener with the message's reference and token.
        var delivery = await server.WaitForDeliveryAsync(customer.Phone, d => d.State == SmsDeliveryState.Accepted, Timeout);
        Assert.Equal(("kannel", NotificationTemplates.RecoveryCode), (delivery.Provider, delivery.Template));
        Assert.Equal(SmsDeliveryState.Accepted, Assert.Single(delivery.Attempts).State);
    }
}
