using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Recovery;

/// <summary>What <see cref="IRecoveryStore.TryCodeAsync"/> did.</summary>
/// <param name="Try">The try: refused by the card's block, or exhausted, with nothing evaluated; otherwise the challenge's answer and the settle's.</param>
/// <param name="CardBlockedUntil">Until when this try blocked the card (it closed the challenge or filled a scope); null when it blocked nothing.</param>
public sealed record RecoveryCodeTried(CodeTry Try, DateTimeOffset? CardBlockedUntil);
