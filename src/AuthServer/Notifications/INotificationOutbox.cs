namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Where flows leave messages. Delivery happens after the RPC answers, so a reply never waits on (or
/// reveals, by its timing) whether an SMS was sent.
/// </summary>
public interface INotificationOutbox
{
    /// <summary>
    /// Whether <paramref name="messages"/> more fit now. Flows ask through
    /// <see cref="NotificationOutboxExtensions.EnsureRoomFor"/>, before they change anything.
    /// </summary>
    bool HasRoomFor(int messages);

    /// <summary>Messages queued and not yet delivered, as this node last saw it (a gauge for operators).</summary>
    long Backlog { get; }

    /// <summary>
    /// Queues <paramref name="notifications"/> all or none: a step that sends two messages (the user code
    /// and the temporary password) never leaves one queued without the other. Throws
    /// <see cref="OutboxFull"/>'s refusal when they do not all fit, having queued none.
    /// </summary>
    ValueTask EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken);

    /// <summary>
    /// Queues the messages of a change that has already committed (all together, as <see cref="EnqueueAsync"/>), never
    /// refused for room: <c>CredentialChanges.ApplyBesideHoldAsync</c> when the hold sent beside the change found the
    /// outbox full but the change applied. The capacity sheds new work before it changes anything; a committed change's
    /// messages must go out, or a restored customer would hold a temporary password nobody sent them. They are bounded by
    /// the changes in flight, each of which passed the room check, so the capacity is passed by a few messages at most.
    /// </summary>
    ValueTask EnqueueCommittedAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken);

    /// <summary>
    /// First half of a change that must send messages if and only if it commits (a recovery's user code
    /// and temporary password, a password change's e-mail): stores <paramref name="notifications"/>
    /// durably but not deliverable, under <paramref name="changeId"/>, counted against the capacity.
    /// Throws <see cref="OutboxFull"/>'s refusal when they do not fit, having held none. Held messages are
    /// settled by <see cref="ReleaseAsync"/> or <see cref="DropAsync"/>; on Redis, ones left held past
    /// <see cref="NotificationOptions.HoldTimeout"/> (the node died between the change and the release)
    /// are settled by any node's dispatcher, which asks the customer's record whether the change
    /// committed and fences it off if it had not. See docs/architecture.md, "All or nothing".
    /// </summary>
    ValueTask HoldAsync(string changeId, string customerId, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken);

    /// <summary>The change committed: its held messages become deliverable. Idempotent; nothing if none are held.</summary>
    Task ReleaseAsync(string changeId, CancellationToken cancellationToken);

    /// <summary>
    /// The change committed and its own store step announced it (<c>ICustomerStore.RestoreWithTemporaryPasswordAsync</c>):
    /// its held messages become deliverable. A provider whose dispatchers hear the announcement (Redis) has nothing left
    /// to send, so the caller's round trip is saved; one without (in memory) releases them here. Idempotent.
    /// </summary>
    Task ReleaseAnnouncedAsync(string changeId, CancellationToken cancellationToken);

    /// <summary>The change did not commit: its held messages are deleted unsent. Idempotent.</summary>
    Task DropAsync(string changeId, CancellationToken cancellationToken);

    /// <summary>
    /// The change was refused and its own store step recorded it as dropped and announced it (the enrolment's SMS-code
    /// step, <c>IAuthenticatorStore.ConfirmWithSmsCodeAsync</c>): its held messages are deleted unsent. A provider whose
    /// dispatchers hear the announcement (Redis) has nothing left to do, so the caller's round trip is saved; one
    /// without (in memory) deletes them here. Idempotent.
    /// </summary>
    Task DropAnnouncedAsync(string changeId, CancellationToken cancellationToken);
}
