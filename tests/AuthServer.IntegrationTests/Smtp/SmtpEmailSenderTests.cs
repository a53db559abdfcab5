using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.IntegrationTests.Smtp;

/// <summary>The SMTP sender against a real SMTP server (aiosmtpd) on loopback: what arrives, over what, and how refusals come back.</summary>
public sealed class SmtpEmailSenderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SendAsync_PlainRelay_MultipartAlternativeWithMessageIdFromOutboxAndSubjectPerLanguage()
    {
        await using var server = await SmtpServer.StartAsync();
        using var sender = Sender(server);

        await sender.SendAsync(UserCode("ana@example.es", Language.Spanish, "outbox-1"), CancellationToken.None).WaitAsync(Timeout);
        await sender.SendAsync(UserCode("bob@example.com", Language.English, "outbox-2"), CancellationToken.None).WaitAsync(Timeout);

        var received = await server.WaitForAsync(2, Timeout);
        var (es, en) = (received[0], received[1]);
        Assert.Equal(["ana@example.es"], es.Recipients);
        Assert.Equal("no-reply@bank.example", es.MailFrom);
        Assert.Equal("outbox-1@bank.example", es.Message.MessageId);
        Assert.Equal("outbox-2@bank.example", en.Message.MessageId);
        Assert.Equal("Tu código de usuario de Banca a Distancia", es.Message.Subject);
        Assert.Equal("Your Banca a Distancia user code", en.Message.Subject);
        var from = Assert.Single(es.Message.From.Mailboxes);
        Assert.Equal(("Banca a Distancia", "no-reply@bank.example"), (from.Name, from.Address));
        Assert.Equal("ayuda@bank.example", Assert.Single(es.Message.ReplyTo.Mailboxes).Address);
        Assert.Equal("es-ES", es.Message.Body!.Headers[HeaderId.ContentLanguage]);
        Assert.Equal("auto-generated", es.Message.Headers["Auto-Submitted"]);
        var body = Assert.IsType<MultipartAlternative>(es.Message.Body);
        Assert.Equal(["text/plain", "text/html"], body.Select(p => p.ContentType.MimeType));
        Assert.Contains("tu código de usuario de Banca a Distancia es 12345678", es.PlainText, StringComparison.Ordinal);
        Assert.Contains("12345678", es.Html, StringComparison.Ordinal);
        Assert.Contains("your Banca a Distancia user code is 12345678", en.PlainText, StringComparison.Ordinal);
        Assert.False(es.Tls);
    }

    [Fact]
    public async Task SendAsync_Sms_IgnoredNothingSent()
    {
        await using var server = await SmtpServer.StartAsync();
        using var sender = Sender(server);

        await sender.SendAsync(NotificationTexts.Shipped.RecoveryCodeSms("+34600000001", "123456", TimeSpan.FromMinutes(5), Language.Spanish), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(0, sender.ConnectionsOpened);
        Assert.Empty(server.RecipientAttempts);
    }

    [Fact]
    public async Task SendAsync_SeveralMessages_OneConnectionReused()
    {
        await using var server = await SmtpServer.StartAsync();
        using var sender = Sender(server);

        for (var i = 0; i < 4; i++)
        {
            await sender.SendAsync(UserCode($"c{i}@example.es", Language.Spanish, $"m{i}"), CancellationToken.None).WaitAsync(Timeout);
        }

        var received = await server.WaitForAsync(4, Timeout);
        Assert.Single(received.Select(r => r.ClientPort).Distinct());
        Assert.Equal(1, sender.ConnectionsOpened);
    }

    [Fact]
    public async Task SendAsync_ServerDropsTheConnectionBetweenMessages_ReconnectsAndDelivers()
    {
        await using var server = await SmtpServer.StartAsync();
        using var sender = Sender(server);

        await sender.SendAsync(UserCode("drop@example.es", Language.Spanish, "m1"), CancellationToken.None).WaitAsync(Timeout);
        await server.WaitForAsync(1, Timeout);
        await Task.Delay(300); // the server closes the connection 50 ms after its answer
        await sender.SendAsync(UserCode("after@example.es", Language.Spanish, "m2"), CancellationToken.None).WaitAsync(Timeout);

        var received = await server.WaitForAsync(2, Timeout);
        Assert.Equal(["after@example.es"], received[1].Recipients);
        Assert.NotEqual(received[0].ClientPort, received[1].ClientPort);
        Assert.Equal(2, sender.ConnectionsOpened);
    }

    [Fact]
    public async Task SendAsync_StartTlsWithThePrivateCaTrusted_DeliveredOverTls()
    {
        using var certificates = new TestCertificates();
        await using var server = await SmtpServer.StartAsync(certificates.Server);
        using var sender = Sender(server, o =>
        {
            o.Security = SmtpSecurity.StartTls;
            o.TrustedCaPath = certificates.CaPath;
            o.CheckCertificateRevocation = false;
        });

        await sender.SendAsync(UserCode("ana@example.es", Language.Spanish, "m1"), CancellationToken.None).WaitAsync(Timeout);

        Assert.True(Assert.Single(await server.WaitForAsync(1, Timeout)).Tls);
    }

    [Fact]
    public async Task SendAsync_ImplicitTlsWithThePrivateCaTrusted_DeliveredOverTls()
    {
        using var certificates = new TestCertificates();
        await using var server = await SmtpServer.StartAsync(certificates.Server, implicitTls: true);
        using var sender = Sender(server, o =>
        {
            o.Security = SmtpSecurity.Tls;
            o.TrustedCaPath = certificates.CaPath;
            o.CheckCertificateRevocation = false;
        });

        await sender.SendAsync(UserCode("ana@example.es", Language.Spanish, "m1"), CancellationToken.None).WaitAsync(Timeout);

        Assert.Single(await server.WaitForAsync(1, Timeout));
    }

    [Fact]
    public async Task SendAsync_StartTlsCertificateNotTrusted_RefusedAsTemporaryAndNothingSent()
    {
        using var certificates = new TestCertificates();
        await using var server = await SmtpServer.StartAsync(certificates.Server);
        using var sender = Sender(server, o => o.Security = SmtpSecurity.StartTls);

        var ex = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(UserCode("ana@example.es", Language.Spanish, "m1"), CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal("smtp-tls", ex.Reason);
        Assert.Empty(server.RecipientAttempts);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task SendAsync_CertificateFromTheTrustedCaButAnotherHostName_Refused()
    {
        // Issued by the trusted CA, but for another name than the 127.0.0.1 the sender connects to.
        using var certificates = new TestCertificates("smtp.bank.test");
        await using var server = await SmtpServer.StartAsync(certificates.Server);
        using var sender = Sender(server, o =>
        {
            o.Security = SmtpSecurity.StartTls;
            o.TrustedCaPath = certificates.CaPath;
            o.CheckCertificateRevocation = false;
        });

        var ex = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(UserCode("ana@example.es", Language.Spanish, "m1"), CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal("smtp-tls", ex.Reason);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task SendAsync_RelayRequiresLogin_AuthenticatesAndDelivers()
    {
        using var certificates = new TestCertificates();
        await using var server = await SmtpServer.StartAsync(certificates.Server, login: ("recovery", "s3cret-relay"));
        using var sender = Sender(server, o =>
        {
            o.TrustedCaPath = certificates.CaPath;
            o.CheckCertificateRevocation = false;
            o.Security = SmtpSecurity.StartTls;
            o.Username = "recovery";
            o.Password = "s3cret-relay";
        });

        await sender.SendAsync(UserCode("ana@example.es", Language.Spanish, "m1"), CancellationToken.None).WaitAsync(Timeout);

        var mail = Assert.Single(await server.WaitForAsync(1, Timeout));
        Assert.Equal(("recovery", true), (mail.Login, mail.Tls));
    }

    [Fact]
    public async Task SendAsync_WrongPassword_TemporaryFailureWithoutThePasswordAndNothingSent()
    {
        using var certificates = new TestCertificates();
        await using var server = await SmtpServer.StartAsync(certificates.Server, login: ("recovery", "s3cret-relay"));
        using var sender = Sender(server, o =>
        {
            o.TrustedCaPath = certificates.CaPath;
            o.CheckCertificateRevocation = false;
            o.Security = SmtpSecurity.StartTls;
            o.Username = "recovery";
            o.Password = "wrong-relay-password";
        });

        var ex = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(UserCode("ana@example.es", Language.Spanish, "m1"), CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal("smtp-authentication", ex.Reason);
        Assert.DoesNotContain("wrong-relay-password", ex.ToString(), StringComparison.Ordinal);
        Assert.Empty(server.RecipientAttempts);
    }

    [Fact]
    public async Task SendAsync_Recipient5xx_PermanentWithoutTheAddressAndTheConnectionServesTheNext()
    {
        await using var server = await SmtpServer.StartAsync();
        using var sender = Sender(server);

        var ex = await Assert.ThrowsAsync<PermanentDeliveryException>(() => sender.SendAsync(UserCode("reject-me@example.es", Language.Spanish, "m1"), CancellationToken.None).WaitAsync(Timeout));
        await sender.SendAsync(UserCode("ana@example.es", Language.Spanish, "m2"), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal("smtp-550-recipient", ex.Reason);
        Assert.DoesNotContain("reject-me", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("12345678", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(["ana@example.es"], Assert.Single(await server.WaitForAsync(1, Timeout)).Recipients);
        Assert.Equal(1, sender.ConnectionsOpened);
    }

    [Fact]
    public async Task SendAsync_Recipient4xx_TemporaryWithoutTheAddress()
    {
        await using var server = await SmtpServer.StartAsync();
        using var sender = Sender(server);

        var ex = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(UserCode("tempfail@example.es", Language.Spanish, "m1"), CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal("smtp-451-recipient", ex.Reason);
        Assert.DoesNotContain("tempfail@", ex.ToString(), StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task SendAsync_NoServerListening_TemporaryConnectionFailure()
    {
        int port;
        await using (var server = await SmtpServer.StartAsync())
        {
            port = server.Port;
        }

        using var sender = new SmtpEmailSender(Options.Create(BaseOptions(port)), TimeProvider.System, NullLogger<SmtpEmailSender>.Instance);

        var ex = await Assert.ThrowsAsync<SmtpDeliveryException>(() => sender.SendAsync(UserCode("ana@example.es", Language.Spanish, "m1"), CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal("smtp-connection", ex.Reason);
    }

    internal static SmtpOptions BaseOptions(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Security = SmtpSecurity.None,
        From = "Banca a Distancia <no-reply@bank.example>",
        ReplyTo = "ayuda@bank.example",
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static SmtpEmailSender Sender(SmtpServer server, Action<SmtpOptions>? configure = null)
    {
        var options = BaseOptions(server.Port);
        configure?.Invoke(options);
        Assert.True(new SmtpOptionsValidator().Validate(null, options).Succeeded);
        return new SmtpEmailSender(Options.Create(options), TimeProvider.System, NullLogger<SmtpEmailSender>.Instance);
    }

    private static Notification UserCode(string to, Language language, string messageId) =>
        NotificationTexts.Shipped.UserCodeEmail(to, "ANA GARCÍA", "12345678", language) with { MessageId = messageId };
}
