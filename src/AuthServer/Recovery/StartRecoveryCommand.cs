using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Recovery;

public sealed record StartRecoveryCommand(string CardNumber, string CardExpiry, string DocumentId, string CaptchaToken, Language? Language, CallerContext Caller)
{
    public override string ToString() => "StartRecoveryCommand { (card data hidden) }";
}
