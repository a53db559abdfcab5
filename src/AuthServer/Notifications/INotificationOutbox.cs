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

    ValueTask EnqueueAsync(Notification notification, CancellationToken cancellationToken);
}
