namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Where flows leave messages. Delivery happens after the RPC answers, so a reply never waits on (or
/// reveals, by its timing) whether an SMS was sent.
/// </summary>
public interface INotificationOutbox
{
    ValueTask EnqueueAsync(Notification notification, CancellationToken cancellationToken);
}
