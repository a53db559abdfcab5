namespace Recovery.AuthServer.Notifications;

public static class NotificationOutboxExtensions
{
    /// <summary>Queues one message.</summary>
    public static ValueTask EnqueueAsync(this INotificationOutbox outbox, Notification notification, CancellationToken cancellationToken) =>
        outbox.EnqueueAsync([notification], cancellationToken);

    /// <summary>
    /// The room check: throws <see cref="OutboxFull"/>'s refusal when <paramref name="messages"/> more do not fit
    /// now. A flow calls it before it changes anything, so that a saturated outbox sheds the call instead of
    /// leaving it half done (a code consumed, its SMS never sent); a write that races past it into a full
    /// outbox is refused with the same answer.
    /// </summary>
    public static void EnsureRoomFor(this INotificationOutbox outbox, int messages)
    {
        if (!outbox.HasRoomFor(messages))
        {
            throw OutboxFull.Exception();
        }
    }
}
