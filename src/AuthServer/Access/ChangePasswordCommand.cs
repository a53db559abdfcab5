using Recovery.AuthServer.Common;
using Recovery.AuthServer.Idempotency;

namespace Recovery.AuthServer.Access;

public sealed record ChangePasswordCommand(string Ticket, string CurrentPassword, string NewPassword, string RepeatPassword, Language? Language, CallerContext Caller)
{
    /// <summary>The call's <c>x-idempotency-key</c> claim, which rides the flow's own store steps; null without a key.</summary>
    public IdempotencyRider<OperationView>? Idempotency { get; init; }

    public override string ToString() => "ChangePasswordCommand { (secrets hidden) }";
}
