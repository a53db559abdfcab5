using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.SharedTests.Otp;

/// <summary>
/// One row of <see cref="ChallengeRuleCases"/>: given a stored challenge (null: none), a step at a time, the
/// expected answer and the challenge stored after it (null: none).
/// </summary>
/// <param name="At">The step's <c>now</c>, from <see cref="ChallengeRuleCases.Start"/> (whole seconds: Redis keeps microseconds).</param>
/// <param name="Expected">A <see cref="VerifyResult"/> (verify, other factor), a <see cref="ReissueStatus"/> (reissue: its challenge must be <paramref name="Then"/>) or a bool (close).</param>
internal sealed record ChallengeRuleCase(
    string Name,
    Challenge? Given,
    ChallengeAction Action,
    byte[] Mac,
    TimeSpan At,
    ChallengeLimits Limits,
    object Expected,
    Challenge? Then)
{
    public DateTimeOffset Now => ChallengeRuleCases.Start + At;

    public override string ToString() => Name;
}
