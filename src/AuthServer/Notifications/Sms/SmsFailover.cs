using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// Sends one SMS through the first provider, in the configured order, that takes it. A provider that refused it, or
/// may have it (a timeout), is not sent it again; one that was certainly down is tried again when the message comes
/// back from the outbox. Every step is recorded in the delivery record first, so that a redelivery after a crash, a
/// second node or a failed delivery report never sends the same message twice to the same provider.
/// </summary>
public sealed partial class SmsFailover(
    SmsProviders providers,
    ISmsDeliveryStore store,
    SmsDeliveryReports reports,
    SmsMetrics metrics,
    SecretKeys keys,
    IOptions<SmsOptions> options,
    TimeProvider time,
    ILogger<SmsFailover> logger)
{
    public bool Enabled => providers.Any;

    /// <summary>Whether this message has a delivery record already: it was counted against its phone's cap on its first take.</summary>
    public async Task<bool> IsKnownAsync(string id, CancellationToken cancellationToken) => await store.GetAsync(id, cancellationToken) is not null;

    /// <param name="notification">The SMS, its <see cref="Notification.MessageId"/> set: the delivery record's id.</param>
    public async Task<SmsRouteOutcome> SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var id = notification.MessageId;
        var record = await store.OpenAsync(id, PhoneKey(notification.To), notification, time.GetUtcNow(), cancellationToken);
        if (record.State is SmsDeliveryState.Submitted or SmsDeliveryState.Accepted or SmsDeliveryState.Delivered)
        {
            // A redelivery of a message a provider already took (the node died before acknowledging it).
            return SmsRouteOutcome.Sent;
        }

        if (record.State is SmsDeliveryState.GivenUp or SmsDeliveryState.Refused)
        {
            return SmsRouteOutcome.GivenUp;
        }

        var mayComeBack = false;
        foreach (var provider in providers.All)
        {
            if (!record.MayTry(provider.Name) || !await store.TryClaimAsync(id, provider.Name, time.GetUtcNow(), cancellationToken))
            {
                continue;
            }

            try
            {
                await provider.SendAsync(notification, reports.UrlFor(provider, id), cancellationToken);
                await store.SettleAsync(id, provider.Name, SmsDeliveryState.Submitted, time.GetUtcNow(), CancellationToken.None);
                metrics.Sent(provider.Name, "submitted");
                return SmsRouteOutcome.Sent;
            }
            catch (PermanentDeliveryException ex)
            {
                await store.SettleAsync(id, provider.Name, SmsDeliveryState.Refused, time.GetUtcNow(), CancellationToken.None);
                metrics.Sent(provider.Name, "refused");
                LogRefused(notification.Template, provider.Name, ex.Reason);
            }
            catch (SmsProviderUnavailableException ex)
            {
                await store.SettleAsync(id, provider.Name, SmsDeliveryState.Unavailable, time.GetUtcNow(), CancellationToken.None);
                metrics.Sent(provider.Name, "unavailable");
                LogUnavailable(notification.Template, provider.Name, ex.Reason);
                mayComeBack = true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping mid-request: the provider may have it; the claim stays, so it is not sent there again.
                throw;
            }
            catch (Exception ex)
            {
                // A timeout or a dropped answer: the provider may have taken it. The claim stays (Sending), so this
                // message never goes to it again; the next provider gets it now. Logged by type: a message might
                // echo the request.
                metrics.Sent(provider.Name, "unknown");
                LogUnknown(notification.Template, provider.Name, ex.GetType().Name);
            }
        }

        if (mayComeBack && time.GetUtcNow() - record.CreatedAt < options.Value.MaxWait)
        {
            return SmsRouteOutcome.Wait;
        }

        await store.CloseAsync(id, SmsDeliveryState.GivenUp, time.GetUtcNow(), CancellationToken.None);
        metrics.GivenUp();
        LogGivenUp(notification.Template);
        return SmsRouteOutcome.GivenUp;
    }

    /// <summary>The latest SMS to <paramref name="phone"/> (newest first), for operators.</summary>
    public Task<IReadOnlyList<SmsDelivery>> RecentToAsync(string phone, CancellationToken cancellationToken) =>
        store.RecentAsync(PhoneKey(phone), cancellationToken);

    /// <summary>The key a customer's deliveries are found by: a keyed hash, never the number itself.</summary>
    public string PhoneKey(string phone) => KeyedHash.ComputeHex(keys.CodeKey, "sms-delivery-phone:" + phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS {Template} refused by provider {Provider} ({Reason}); trying the next one")]
    private partial void LogRefused(string template, string provider, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS provider {Provider} is unavailable for {Template} ({Reason}); trying the next one")]
    private partial void LogUnavailable(string template, string provider, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS {Template}: provider {Provider} gave no answer ({ErrorType}); it is not sent there again")]
    private partial void LogUnknown(string template, string provider, string errorType);

    [LoggerMessage(Level = LogLevel.Error, Message = "SMS {Template} given up: no provider took it")]
    private partial void LogGivenUp(string template);
}
