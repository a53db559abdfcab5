using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Hosting;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.IntegrationTests.Smtp;

/// <summary>
/// The in-process server configured with <c>Notifications:Smtp:*</c>: the outbox, the dispatcher and
/// the SMTP sender deliver to a real SMTP server (aiosmtpd), through refusals and retries.
/// </summary>
public sealed class SmtpDeliveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ConfirmRecovery_SmtpConfigured_UserCodeEmailArrivesAtTheRelay()
    {
        await using var smtp = await SmtpServer.StartAsync();
        await using var factory = Server(smtp);
        using var api = Api(factory);
        var seed = DemoCustomer.Seed;

        var started = await api.StartAsync(seed);
        var code = factory.Outbox.Single(0, NotificationTemplates.RecoveryCode).Values["code"];
        var mark = factory.Outbox.Count;
        await api.ConfirmAsync(started.RecoveryId, code);

        var mail = Assert.Single(await smtp.WaitForAsync(1, Timeout));
        Assert.Equal([seed.Email], mail.Recipients);
        Assert.Equal("Tu código de usuario de Banca a Distancia", mail.Message.Subject);
        Assert.Contains($"tu código de usuario de Banca a Distancia es {seed.UserCode}", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains(seed.UserCode, mail.Html, StringComparison.Ordinal);
        Assert.EndsWith("@bank.example", mail.Message.MessageId, StringComparison.Ordinal);

        // The SMS went to the other senders, never to the relay.
        Assert.Equal([seed.Email], smtp.RecipientAttempts.Select(a => a.Address));
        Assert.Equal(2, factory.Outbox.Since(mark).Count);
    }

    [Fact]
    public async Task Dispatch_Recipient5xx_NotRetriedAuditedAndTheNextMessageDelivered()
    {
        await using var smtp = await SmtpServer.StartAsync();
        await using var factory = Server(smtp);
        var outbox = factory.Services.GetRequiredService<INotificationOutbox>();

        await outbox.EnqueueAsync(UserCode("reject-me@example.es"), CancellationToken.None).AsTask().WaitAsync(Timeout);
        await outbox.EnqueueAsync(UserCode("ana@example.es"), CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(["ana@example.es"], Assert.Single(await smtp.WaitForAsync(1, Timeout)).Recipients);
        var rejected = Assert.Single(factory.Audit.Of("notification.email"));
        Assert.Equal(("rejected", NotificationTemplates.RecoveryUserCode), (rejected.Outcome, rejected.Detail));
        Assert.DoesNotContain("reject-me", rejected.ToString(), StringComparison.Ordinal);
        Assert.Equal([("reject-me@example.es", 550), ("ana@example.es", 250)], smtp.RecipientAttempts);
    }

    [Fact]
    public async Task Dispatch_Recipient4xxTwice_RetriedWithBackoffThenDeliveredOnce()
    {
        await using var smtp = await SmtpServer.StartAsync(tempfailTimes: 2);
        await using var factory = Server(smtp);
        var outbox = factory.Services.GetRequiredService<INotificationOutbox>();

        await outbox.EnqueueAsync(UserCode("tempfail@example.es"), CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(["tempfail@example.es"], Assert.Single(await smtp.WaitForAsync(1, Timeout)).Recipients);
        Assert.Equal([451, 451, 250], smtp.RecipientAttempts.Select(a => a.Answer));
        Assert.Empty(factory.Audit.Of("notification.email"));
    }

    [Fact]
    public async Task Start_SmtpWithoutTlsToARemoteHost_RefusedWithClearMessages()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:Smtp:Host"] = "smtp.bank.example",
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:Smtp:Username"] = "recovery",
        });
        builder.AddRecoveryNotifications();

        // Only the start-up validation is under test here, not the dispatcher and its dependencies.
        builder.Services.RemoveAll<IHostedService>();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(Timeout));

        Assert.Contains(ex.Failures, f => f.StartsWith("Notifications:Smtp:Security is None", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Notifications:Smtp:From is required", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Notifications:Smtp:Username and Notifications:Smtp:Password go together", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_SmtpHostNotSet_NoSmtpSender()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddRecoveryNotifications();

        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(SmtpEmailSender));
    }

    private static RecoveryServerFactory Server(SmtpServer smtp) =>
        new(new ServerOptions(FakeTime: false, Settings: new Dictionary<string, string>
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:Smtp:From"] = "Banca a Distancia <no-reply@bank.example>",

            // One dispatcher loop, so that messages go to the relay in the order they were queued: these tests are about
            // what the relay answers and what follows ("the next message"), not about the loops, which take messages in
            // parallel by default (NotificationDispatcherTests and RedisOutboxWakeTests cover them).
            ["Notifications:DispatchConcurrency"] = "1",
        }));

    private static RecoveryApi Api(RecoveryServerFactory factory) =>
        new(GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }));

    private static Notification UserCode(string to) => NotificationTexts.Shipped.UserCodeEmail(to, "ANA GARCÍA", "12345678", Language.Spanish);
}
