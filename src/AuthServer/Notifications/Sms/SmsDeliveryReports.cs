using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// Delivery reports: the callback URL each provider is given for each message, and what a report does. A report
/// updates the message's delivery record; a failed one from the provider that has the message, within the failover
/// window, puts the message back in the outbox, where the dispatcher sends it through the next provider.
/// </summary>
public sealed partial class SmsDeliveryReports(
    SmsProviders providers,
    IOptions<SmsOptions> options,
    ISmsDeliveryStore store,
    INotificationOutbox outbox,
    SecretKeys keys,
    SmsMetrics metrics,
    TimeProvider time,
    ILogger<SmsDeliveryReports> logger)
{
    public const string KannelPath = "/sms/dlr/kannel/";
    public const string TwilioPath = "/sms/dlr/twilio/";

    /// <summary>The listener's address as the providers reach it, or null when no listener is configured.</summary>
    public Uri? PublicUrl
    {
        get
        {
            var o = options.Value.DeliveryReports;
            if (o.PublicUrl is not null)
            {
                return o.PublicUrl;
            }

            var first = o.Urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return first is null ? null : new Uri(first);
        }
    }

    /// <summary>Where <paramref name="provider"/> reports on message <paramref name="id"/>, or null when no listener is configured.</summary>
    public Uri? UrlFor(ISmsProvider provider, string id)
    {
        if (PublicUrl is not { } root)
        {
            return null;
        }

        var baseUrl = root.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return provider.Dialect switch
        {
            // Kannel cannot sign its callback: a keyed token in the URL is what tells a forged report from its own
            // (the URL is given only to Kannel). Kannel substitutes the report type for %d.
            SmsDialect.Kannel => new Uri($"{baseUrl}{KannelPath}{provider.Name}?id={id}&t={KannelToken(provider.Name, id)}&type=%d", UriKind.Absolute),

            // Twilio signs the whole URL and every field with the auth token; nothing more is needed.
            _ => new Uri($"{baseUrl}{TwilioPath}{provider.Name}?id={id}", UriKind.Absolute),
        };
    }

    /// <summary>Kannel's callback: <paramref name="type"/> is its report type (1 delivered, 2 failed, 4 buffered, 8 SMSC ack, 16 SMSC reject).</summary>
    public async Task<SmsReportResult> KannelAsync(string providerName, string? id, string? token, string? type, CancellationToken cancellationToken)
    {
        if (providers.Find(providerName) is not { Dialect: SmsDialect.Kannel } provider || string.IsNullOrEmpty(id))
        {
            return SmsReportResult.Malformed;
        }

        if (token is null || !FixedTimeEquals(KannelToken(provider.Name, id), token))
        {
            LogForged(provider.Name);
            metrics.Reported(provider.Name, "forged");
            return SmsReportResult.Forged;
        }

        SmsDeliveryState? state = type switch
        {
            "1" => SmsDeliveryState.Delivered,
            "2" or "16" => SmsDeliveryState.Failed,
            "4" or "8" => SmsDeliveryState.Accepted,
            _ => null,
        };
        return state is { } s ? await ApplyAsync(provider, id, s, cancellationToken) : SmsReportResult.Malformed;
    }

    /// <summary>
    /// Twilio's status callback. <paramref name="url"/> is the URL it was sent to (our public URL, path and query),
    /// <paramref name="form"/> every posted field; refused unless <paramref name="signature"/> is the auth token's.
    /// </summary>
    public async Task<SmsReportResult> TwilioAsync(
        string providerName, string url, IReadOnlyList<KeyValuePair<string, string>> form, string? signature, string? id, CancellationToken cancellationToken)
    {
        if (providers.Find(providerName) is not { Dialect: SmsDialect.Twilio } provider || string.IsNullOrEmpty(id))
        {
            return SmsReportResult.Malformed;
        }

        var account = options.Value.Providers.First(p => p.Name == provider.Name);
        if (!TwilioSignature.IsValid(account.Password, url, form, signature))
        {
            LogForged(provider.Name);
            metrics.Reported(provider.Name, "forged");
            return SmsReportResult.Forged;
        }

        SmsDeliveryState? state = form.LastOrDefault(p => p.Key == "MessageStatus").Value switch
        {
            "delivered" or "read" => SmsDeliveryState.Delivered,
            "undelivered" or "failed" => SmsDeliveryState.Failed,
            "accepted" or "queued" or "sending" or "sent" => SmsDeliveryState.Accepted,
            _ => null,
        };
        return state is { } s ? await ApplyAsync(provider, id, s, cancellationToken) : SmsReportResult.Malformed;
    }

    private async Task<SmsReportResult> ApplyAsync(ISmsProvider provider, string id, SmsDeliveryState state, CancellationToken cancellationToken)
    {
        var outcome = await store.ReportAsync(id, provider.Name, state, time.GetUtcNow(), cancellationToken);
        metrics.Reported(provider.Name, outcome.Applied ? state.ToString().ToLowerInvariant() : "ignored");
        if (outcome.MoveOn is { } message)
        {
            // Its first id goes with it, so the dispatcher finds the same record and skips the providers that had it.
            metrics.MovedOn(provider.Name);
            LogMovedOn(message.Template, provider.Name);
            try
            {
                await outbox.EnqueueAsync(message with { MessageId = id }, cancellationToken);
            }
            catch (Exception ex) when (OutboxFull.Is(ex))
            {
                LogNotMoved(message.Template);
            }
        }

        return SmsReportResult.Accepted;
    }

    private string KannelToken(string provider, string id) =>
        Base64Url(KeyedHash.Compute(keys.CodeKey, "sms-dlr\n" + provider + "\n" + id).AsSpan(0, 16));

    private static bool FixedTimeEquals(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Warning, Message = "A delivery report for SMS provider {Provider} was refused: wrong token or signature")]
    private partial void LogForged(string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS {Template} failed on provider {Provider}; moved on to the next provider")]
    private partial void LogMovedOn(string template, string provider);

    [LoggerMessage(Level = LogLevel.Error, Message = "SMS {Template} could not be moved on to the next provider: the outbox is full")]
    private partial void LogNotMoved(string template);
}
