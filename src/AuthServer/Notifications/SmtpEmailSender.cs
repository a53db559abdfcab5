using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Delivers e-mail through an SMTP relay (MailKit). One connection is kept and reused for every
/// message, one message at a time; a lost connection is opened again. A 5xx answer is a permanent
/// refusal (<see cref="PermanentDeliveryException"/>: recorded, not retried); a 4xx answer, a timeout
/// or a connection, TLS or authentication failure is temporary (<see cref="SmtpDeliveryException"/>:
/// the dispatcher retries it). SMS messages are not its business and are ignored.
/// </summary>
public sealed partial class SmtpEmailSender : INotificationSender, IDisposable
{
    private readonly SmtpOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<SmtpEmailSender> logger;
    private readonly SmtpCertificateValidator certificates;
    private readonly MailboxAddress from;
    private readonly MailboxAddress? replyTo;
    private readonly string messageIdDomain;
    private readonly SemaphoreSlim gate = new(1, 1);
    private SmtpClient? client;

    public SmtpEmailSender(IOptions<SmtpOptions> options, TimeProvider time, ILogger<SmtpEmailSender> logger)
    {
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
        certificates = new SmtpCertificateValidator(this.options);
        from = MailboxAddress.Parse(this.options.From ?? throw new InvalidOperationException("Notifications:Smtp:From is not set."));
        replyTo = string.IsNullOrWhiteSpace(this.options.ReplyTo) ? null : MailboxAddress.Parse(this.options.ReplyTo);
        messageIdDomain = string.IsNullOrWhiteSpace(this.options.MessageIdDomain) ? from.Domain : this.options.MessageIdDomain;
    }

    /// <summary>Connections opened so far (a gauge of reuse for tests and operators).</summary>
    public int ConnectionsOpened { get; private set; }

    /// <summary>E-mails only: the dispatcher routes SMS to the SMS providers.</summary>
    public bool Delivers(NotificationChannel channel) => channel == NotificationChannel.Email;

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (notification.Channel != NotificationChannel.Email)
        {
            return;
        }

        var message = Compose(notification);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var reused = client is { IsConnected: true };
            try
            {
                await SendOnceAsync(message, cancellationToken);
            }
            catch (SmtpDeliveryException ex) when (reused && ex.Reason is ConnectionLost or ProtocolBroken && !cancellationToken.IsCancellationRequested)
            {
                // The kept connection had been closed by the relay while idle (relays drop idle clients):
                // open a new one now instead of spending one of the message's delivery attempts on it. Had
                // the relay taken the message before the line broke, its Message-ID marks the second copy.
                LogReconnecting(notification.Template);
                await SendOnceAsync(message, cancellationToken);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        client?.Dispose();
        gate.Dispose();
    }

    private const string ConnectionLost = "smtp-connection";
    private const string ProtocolBroken = "smtp-protocol";

    private async Task SendOnceAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var connected = await ConnectedClientAsync(cancellationToken);
            await connected.SendAsync(message, cancellationToken);
        }
        catch (SmtpCommandException ex)
        {
            // The relay answered; after a refused transaction the connection stays usable (MailKit resets
            // it). The inner exception is left out on purpose: its text is the relay's, which may echo
            // the address.
            var code = (int)ex.StatusCode;
            var reason = $"smtp-{code}-{Stage(ex.ErrorCode)}";
            if (ex.ErrorCode == SmtpErrorCode.UnexpectedStatusCode)
            {
                // Refused outside a transaction (greeting, EHLO): about the connection, not this message.
                await DropAsync();
                LogFailed(reason, ex.GetType().Name);
                throw new SmtpDeliveryException(reason);
            }

            if (code is >= 500 and < 600)
            {
                LogRefused(code, Stage(ex.ErrorCode));
                throw new PermanentDeliveryException(reason);
            }

            throw new SmtpDeliveryException(reason);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await DropAsync();
            throw;
        }
        catch (Exception ex) when (ex is not SmtpDeliveryException)
        {
            // Whatever state the connection is in now cannot be trusted for the next message.
            await DropAsync();
            var reason = ex switch
            {
                SslHandshakeException => "smtp-tls",
                AuthenticationException => "smtp-authentication",
                SmtpProtocolException => ProtocolBroken,
                TimeoutException or OperationCanceledException => "smtp-timeout",
                IOException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TimedOut } } => "smtp-timeout",
                _ => ConnectionLost,
            };
            LogFailed(reason, ex.GetType().Name);
            throw new SmtpDeliveryException(reason, ex is SmtpProtocolException ? null : ex);
        }
    }

    private async Task<SmtpClient> ConnectedClientAsync(CancellationToken cancellationToken)
    {
        if (client is { IsConnected: true } open)
        {
            return open;
        }

        client?.Dispose();
        client = new SmtpClient
        {
            Timeout = (int)options.Timeout.TotalMilliseconds,
            CheckCertificateRevocation = options.CheckCertificateRevocation,
            ServerCertificateValidationCallback = (_, certificate, chain, errors) => certificates.Validate(certificate, chain, errors),
        };
        var security = options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(options.Host!, options.Port, security, cancellationToken);
        ConnectionsOpened++;
        if (!string.IsNullOrEmpty(options.Username))
        {
            if (!client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                // Never send the message unauthenticated when credentials were configured.
                throw new AuthenticationException("The relay does not offer SMTP AUTH.");
            }

            await client.AuthenticateAsync(options.Username, options.Password ?? string.Empty, cancellationToken);
        }

        LogConnected(options.Security);
        return client;
    }

    private async Task DropAsync()
    {
        if (client is null)
        {
            return;
        }

        try
        {
            if (client.IsConnected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(quit: false, quick.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ServiceNotConnectedException or SmtpProtocolException)
        {
        }
        finally
        {
            client.Dispose();
            client = null;
        }
    }

    private MimeMessage Compose(Notification notification)
    {
        var message = new MimeMessage
        {
            Subject = notification.Subject ?? string.Empty,
            Date = time.GetUtcNow(),
            MessageId = MessageIdFor(notification.MessageId),
        };
        message.From.Add(from);
        if (replyTo is not null)
        {
            message.ReplyTo.Add(replyTo);
        }

        message.To.Add(MailboxAddress.Parse(notification.To));
        // An automatic message (RFC 3834): vacation responders and mailing lists leave it alone.
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var plain = new TextPart("plain");
        plain.SetText(Encoding.UTF8, notification.Text);
        var alternative = new MultipartAlternative { plain };
        if (notification.Html is { } html)
        {
            var htmlPart = new TextPart("html");
            htmlPart.SetText(Encoding.UTF8, html);
            alternative.Add(htmlPart);
        }

        alternative.Headers.Add(HeaderId.ContentLanguage, notification.Language);
        message.Body = alternative;
        return message;
    }

    /// <summary>
    /// The same outbox id gives the same Message-ID on every redelivery, so a copy sent again after a
    /// crash is recognisable (and deduplicated by many mail systems) downstream.
    /// </summary>
    private string MessageIdFor(string outboxId)
    {
        if (string.IsNullOrEmpty(outboxId))
        {
            return MimeUtils.GenerateMessageId(messageIdDomain);
        }

        var local = new StringBuilder(outboxId.Length);
        foreach (var c in outboxId)
        {
            local.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return $"{local}@{messageIdDomain}";
    }

    private static string Stage(SmtpErrorCode code) => code switch
    {
        SmtpErrorCode.RecipientNotAccepted => "recipient",
        SmtpErrorCode.SenderNotAccepted => "sender",
        SmtpErrorCode.MessageNotAccepted => "message",
        _ => "command",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "SMTP connection opened ({Security})")]
    private partial void LogConnected(SmtpSecurity security);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP connection lost while idle; reconnecting to deliver {Template}")]
    private partial void LogReconnecting(string template);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMTP relay refused a message for good: {StatusCode} at {Stage}")]
    private partial void LogRefused(int statusCode, string stage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP delivery failed ({Reason}, {ErrorType}); the connection will be opened again")]
    private partial void LogFailed(string reason, string errorType);
}
