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
    /// <summary>
    /// Holds the e-mail that announces the change (the first half of the all-or-nothing change), for a caller that sends
    /// it beside other work (SignOperation: beside the wrong-code ledger's settle, once the code is known to be right);
    /// the change then goes through <see cref="ApplyHeldAsync"/>. A hold never settled is settled by a
    /// dispatcher after Notifications:HoldTimeout (dropped: its change never applied).
    /// </summary>
    public Task HoldAsync(OperationRecord op, CustomerRecord customer) =>
        changes.HoldAsync(ChangeId(op), op.CustomerId, [texts.PasswordChangedEmail(customer.Email, customer.DisplayName, Languages.FromTag(op.Language))]);

    public Task<bool> ApplyHeldAsync(OperationRecord op, int historyDepth, Func<Task>? alongsideRelease) =>
        // All or nothing (docs/architecture.md): the password and its e-mail go together. The version
        // check makes an operation opened before any other change (another signed operation, a new
        // recovery) impossible to apply afterwards; the version bump ends every other session and
        // change ticket of the customer. The authenticator app stays: the customer proved both the
        // temporary password and this signature, and the e-mail says so.
        changes.ApplyHeldAsync(
            op.CustomerId,
            ChangeId(op),
            ct => customers.CommitPasswordAsync(op.CustomerId, op.PendingPasswordHash, op.CredentialVersion, historyDepth, ChangeId(op), ct),
            applied => applied,
            alongsideRelease);

    /// <remarks>
    /// Settling cannot harm an operation another change overtook: it could never apply anyway, and the
    /// signature path still answers it as stale.
    /// </remarks>
    public async Task<bool> WasAppliedAsync(OperationRecord op, CancellationToken cancellationToken) =>
        await customers.GetCredentialsAsync(op.CustomerId, cancellationToken) is { } credentials &&
        credentials.Version != op.CredentialVersion &&
        await changes.SettleAsync(op.CustomerId, ChangeId(op), cancellationToken);

    public Task<bool> SettleAsync(OperationRecord op, CancellationToken cancellationToken) =>
        changes.SettleAsync(op.CustomerId, ChangeId(op), cancellationToken);

    /// <summary>The id under which an operation's password change is recorded and its e-mail held.</summary>
    private static string ChangeId(OperationRecord op) => CredentialChanges.OfOperation(op.Id);
}
