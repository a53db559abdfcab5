using Recovery.AuthServer.Common;
using Recovery.AuthServer.Idempotency;

namespace Recovery.AuthServer.Recovery;

public sealed record StartRecoveryCommand(string CardNumber, string CardExpiry, string DocumentId, string CaptchaToken, Language? Language, CallerContext Caller)
{
    /// <summary>The call's <c>x-idempotency-key</c> claim, which rides the flow's own store steps; null without a key.</summary>
    public IdempotencyRider<RecoveryStarted>? Idempotency { get; init; }

    public override string ToString() => "StartRecoveryCommand { (card data hidden) }";
}
