namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Where flows leave messages. Delivery happens after the RPC answers, so a reply never waits on (or
/// reveals, by its timing) whether an SMS was sent.
/// </summary>
public interface INotificationOutbox
{
    /// <summary>
    /// Whether <paramref name="messages"/> more fit now. Flows ask before they change anything, so that
    /// a saturated outbox sheds the call instead of leaving it half done.
    /// </summary>
    bool HasRoomFor(int messages);

    /// <summary>Messages queued and not yet delivered, as this node last saw it (a gauge for operators).</summary>
    long Backlog { get; }

    /// <summary>
    /// Queues <paramref name="notifications"/> all or none: a step that sends two messages (the user code
    /// and the temporary password) never leaves one queued without the other. Throws
    /// <see cref="OutboxFullException"/> when they do not all fit, having queued none.
    /// </summary>
    ValueTask EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken);
}

public static class NotificationOutboxExtensions
{
    /// <summary>Queues one message.</summary>
    public static ValueTask EnqueueAsync(this INotificationOutbox outbox, Notification notification, CancellationToken cancellationToken) =>
        outbox.EnqueueAsync([notification], cancellationToken);
}
