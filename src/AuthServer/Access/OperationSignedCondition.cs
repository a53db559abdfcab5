using System.Globalization;
using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.Access;

/// <summary>
/// The condition under which SignOperation stores its Signed response beside its commit, before the commit has answered
/// (<see cref="IdempotencyRider{TResult}.CompleteBesideIf"/>): "the operation's change applied", what Signed means. A retry
/// that finds the response checks it as every reader of an operation recorded pending does
/// (<see cref="OperationPasswordChange.HasAppliedAsync"/>), so a commit that was
/// refused (stale: another change applied first) or has not run yet is never answered Signed.
/// </summary>
/// <remarks>
/// The condition names the customer, the operation and the credentials' version it was opened at: ids that already name
/// Redis keys, no secret. The check reads the credentials (one round trip) and settles the change (one more) only once
/// their version moved on, when the commit can no longer apply: a check that races a commit still on its way decides
/// nothing. A retry so costs at most three round trips: the operation beside the claim, then these two.
/// </remarks>
public sealed class OperationSignedCondition(OperationPasswordChange change) : IIdempotencyConditionCheck
{
    private const string Kind = "operation-applied";

    /// <summary>The condition that <paramref name="op"/>'s change applied.</summary>
    public static string Of(OperationRecord op) =>
        string.Join('\n', Kind, op.CustomerId, op.Id, op.CredentialVersion.ToString(CultureInfo.InvariantCulture));

    public async Task<bool> HoldsAsync(string condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var parts = condition.Split('\n');
        if (parts is not [Kind, var customerId, var operationId, var version] ||
            !long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var credentialVersion))
        {
            // Not a condition this server wrote: the stored response is not vouched for, so it is not answered.
            return false;
        }

        return await change.HasAppliedAsync(customerId, operationId, credentialVersion, cancellationToken);
    }
}
