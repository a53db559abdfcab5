using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.Access;

/// <summary>
/// An operation's password change over the customer's credentials: the <see cref="IOperationChange"/> the
/// operation lifecycle drives, for the access flow's SignOperation and CancelOperation and for every reader of
/// an operation's state (the call-centre path included).
/// </summary>
public sealed class OperationPasswordChange(ICustomerStore customers, CredentialChanges changes, NotificationTexts texts) : IOperationChange
{
    /// <summary>The e-mail that announces the operation's change to <paramref name="customer"/>.</summary>
    public IReadOnlyList<Notification> EmailOf(OperationRecord op, CustomerRecord customer) =>
        [texts.PasswordChangedEmail(customer.Email, customer.DisplayName, Languages.FromTag(op.Language))];

    public Task<bool> ApplyBesideHoldAsync(OperationRecord op, int historyDepth, IReadOnlyList<Notification> messages, Func<Task>? alongside = null) =>
        // All or nothing (docs/architecture.md): the password and its e-mail go together, the e-mail held in the same
        // round trip as the commit, whose script announces its outcome to the outbox's dispatchers. The version
        // check makes an operation opened before any other change (another signed operation, a new
        // recovery) impossible to apply afterwards; the version bump ends every other session and
        // change ticket of the customer. The authenticator app stays: the customer proved both the
        // temporary password and this signature, and the e-mail says so.
        changes.ApplyBesideHoldAsync(
            op.CustomerId,
            ChangeId(op),
            messages,
            ct => customers.CommitPasswordAsync(op.CustomerId, op.PendingPasswordHash, op.CredentialVersion, historyDepth, ChangeId(op), ct),
            applied => applied,
            alongside);

    public string AttemptIdOf(OperationRecord op, string attemptToken) => ChangeId(op) + ":" + attemptToken;

    public Task<bool?> ApplyAfterStepBesideHoldAsync(OperationRecord op, int historyDepth, IReadOnlyList<Notification> messages, string attemptId) =>
        // The same all or nothing, under the attempt's change id: its hold, its fence and its announcement are the
        // attempt's, and the commit also records the operation's change applied (what every reader of the operation asks).
        changes.ApplyBesideHoldAsync(
            op.CustomerId,
            attemptId,
            messages,
            ct => customers.CommitPasswordAfterStepAsync(op.CustomerId, op.PendingPasswordHash, op.CredentialVersion, historyDepth, ChangeId(op), attemptId, ct),
            applied => applied == true);

    /// <remarks>
    /// Settling cannot harm an operation another change overtook: it could never apply anyway, and the
    /// signature path still answers it as stale.
    /// </remarks>
    public async Task<bool> WasAppliedAsync(OperationRecord op, CancellationToken cancellationToken) =>
        await customers.GetCredentialsAsync(op.CustomerId, cancellationToken) is { } credentials &&
        credentials.Version != op.CredentialVersion &&
        await changes.SettleAsync(op.CustomerId, ChangeId(op), cancellationToken);

    /// <summary>
    /// Whether the change of operation <paramref name="operationId"/>, opened at <paramref name="credentialVersion"/>, applied:
    /// the answer of <see cref="WasAppliedAsync"/>, from what names the change, without releasing or dropping its held
    /// e-mail (the commit's announcement does that, or a dispatcher after <c>Notifications:HoldTimeout</c>; a reader of the
    /// operation does it too), so that the check costs two round trips at most. While the credentials are still at that
    /// version the change has not applied (yet) and nothing is settled: a commit on its way still applies. Once they moved
    /// on it never can, and settling it decides nothing a commit could still need.
    /// </summary>
    public async Task<bool> HasAppliedAsync(string customerId, string operationId, long credentialVersion, CancellationToken cancellationToken) =>
        await customers.GetCredentialsAsync(customerId, cancellationToken) is { } credentials &&
        credentials.Version != credentialVersion &&
        await customers.SettleChangeAsync(customerId, CredentialChanges.OfOperation(operationId), cancellationToken);

    public Task<bool> SettleAsync(OperationRecord op, CancellationToken cancellationToken) =>
        changes.SettleAsync(op.CustomerId, ChangeId(op), cancellationToken);

    /// <summary>The id under which an operation's password change is recorded and its e-mail held.</summary>
    private static string ChangeId(OperationRecord op) => CredentialChanges.OfOperation(op.Id);
}
