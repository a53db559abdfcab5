using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Captcha;

/// <summary>
/// The self-hosted captcha: the token is the ALTCHA widget's payload for a challenge this server (or another
/// node with the same key) issued. Nothing leaves the bank, so it is never <see cref="CaptchaVerdict.Unavailable"/>
/// except when the shared store is.
/// </summary>
public sealed class AltchaCaptchaVerifier(AltchaChallenges challenges, CaptchaReplayGuard replay, TimeProvider time) : ICaptchaVerifier
{
    public async ValueTask<CaptchaCheck> VerifyAsync(string token, CallerContext caller, CancellationToken cancellationToken)
    {
        var (check, challenge, expiresAt) = challenges.Verify(token);
        if (check.Verdict != CaptchaVerdict.Accepted)
        {
            return check;
        }

        // One solution per challenge, remembered until the challenge expires (it is refused as expired after).
        var lifetime = TimeSpan.FromTicks(Math.Max((expiresAt - time.GetUtcNow()).Ticks, TimeSpan.TicksPerSecond));
        return await replay.FirstUseAsync("altcha", challenge!, lifetime, cancellationToken)
            ? CaptchaCheck.Accepted
            : CaptchaCheck.Rejected("replayed");
    }
}
