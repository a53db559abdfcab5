using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.Operations;

/// <summary>
/// The change an operation makes to the customer's credentials, as <see cref="OperationLifecycle"/> needs it:
/// apply it (all or nothing with its messages), tell whether it applied although the operation's state was not
/// recorded, and settle it for good. The lifecycle owns when each happens; the implementation (over Customers'
/// CredentialChanges, in the access flow, which is the flow that signs) owns how. Hosting wires the two: a
/// domain module does not use another module (docs/architecture.md, the layering table).
/// </summary>
public interface IOperationChange
{
    /// <summary>
    /// Applies the operation's change against the credentials version it was opened at, with <paramref name="messages"/>
    /// that announce it, all or nothing; false if the credentials changed since (nothing applied, nothing sent). The
    /// messages are held and the change applied in the same round trip on a remote store, the hold sent first; the
    /// change's own step announces its outcome, so neither release nor drop costs another (a hold refused beside a change
    /// that applied is followed by the messages queued: they go whatever happens). <paramref name="alongside"/>, when
    /// given, is sent beside the change and runs whether it applies or not. Not cancellable once started.
    /// </summary>
    Task<bool> ApplyBesideHoldAsync(OperationRecord op, int historyDepth, IReadOnlyList<Notification> messages, Func<Task>? alongside = null);

    /// <summary>
    /// <see cref="ApplyBesideHoldAsync"/> for attempt <paramref name="attemptId"/> of a signature by app code, sent behind
    /// that attempt's step in the same round trip: it applies only if the step was used now for this attempt (the mark the
    /// step leaves), its messages held and its outcome recorded and announced under the attempt's own id, so that an
    /// attempt refused by its guard neither sends them nor decides the operation's change. Null when the guard refused
    /// (nothing changed, nothing sent); otherwise whether the change applied.
    /// </summary>
    /// <summary>The change id of attempt <paramref name="attemptToken"/> at signing <paramref name="op"/> (see <see cref="ApplyAfterStepBesideHoldAsync"/>).</summary>
    string AttemptIdOf(OperationRecord op, string attemptToken);

    Task<bool?> ApplyAfterStepBesideHoldAsync(OperationRecord op, int historyDepth, IReadOnlyList<Notification> messages, string attemptId);

    /// <summary>
    /// Whether the change applied although the operation still reads pending (the store failed after the
    /// commit): the credentials moved on from the operation's version and the change is recorded applied.
    /// Settles the change as a side effect (see <see cref="SettleAsync"/>).
    /// </summary>
    Task<bool> WasAppliedAsync(OperationRecord op, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the change applied, deciding "dropped" if it had not, so that it never can later; its held
    /// messages are released or dropped to match.
    /// </summary>
    Task<bool> SettleAsync(OperationRecord op, CancellationToken cancellationToken);
}
