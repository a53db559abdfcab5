namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The dispatcher's side of the outbox: take a message, deliver it, then acknowledge it. A durable
/// queue (Redis) keeps a taken message until it is acknowledged and hands it out again if its taker
/// does not acknowledge it in time, so delivery is at least once; the in-memory queue forgets a
/// message once taken.
/// </summary>
public interface INotificationOutboxReader
{
    /// <summary>Waits for the next message.</summary>
    ValueTask<QueuedNotification> DequeueAsync(CancellationToken cancellationToken);

    /// <summary>Delivered (or given up): the message and every trace of its secrets are deleted.</summary>
    Task AcknowledgeAsync(QueuedNotification message, CancellationToken cancellationToken);

    /// <summary>Not delivered by this node (it is stopping): put it back for any node to take now.</summary>
    Task RetryAsync(QueuedNotification message, CancellationToken cancellationToken);

    /// <summary>
    /// Not deliverable now (every SMS provider is down): put it back to be taken again, by any node, no sooner than
    /// <paramref name="delay"/> from now. It keeps its id and is not counted as a delivery attempt; other messages
    /// go past it meanwhile.
    /// </summary>
    Task DeferAsync(QueuedNotification message, TimeSpan delay, CancellationToken cancellationToken);
}
