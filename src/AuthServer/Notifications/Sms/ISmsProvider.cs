namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// One SMS gateway of <c>Notifications:Sms:Providers</c>. <see cref="SendAsync"/> returns once the provider took the
/// message. It throws <see cref="PermanentDeliveryException"/> when the provider refused it for good (next provider),
/// <see cref="SmsProviderUnavailableException"/> when it certainly did not take it (try again later), and anything
/// else when it cannot tell (a timeout after the request went out): then the message is never sent to it again.
/// </summary>
public interface ISmsProvider
{
    /// <summary>The configured name (metrics, logs, delivery records).</summary>
    string Name { get; }

    SmsDialect Dialect { get; }

    /// <param name="reportUrl">Where the provider should post its delivery report for this message, or null for none.</param>
    Task SendAsync(Notification notification, Uri? reportUrl, CancellationToken cancellationToken);
}
