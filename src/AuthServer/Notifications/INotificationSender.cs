namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Delivers one message of the channels it handles (an e-mail relay, the development sink, the logging stand-in).
/// SMS gateways are <see cref="Sms.ISmsProvider"/>s instead: they are tried one after another (failover), where
/// every sender that handles a channel gets each of its messages.
/// </summary>
public interface INotificationSender
{
    /// <summary>Whether this sender gets messages of <paramref name="channel"/>. Default: every channel.</summary>
    bool Delivers(NotificationChannel channel) => true;

    /// <summary>
    /// Throws <see cref="PermanentDeliveryException"/> when the message is refused for good (recorded, not retried);
    /// any other exception is retried with backoff.
    /// </summary>
    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}
