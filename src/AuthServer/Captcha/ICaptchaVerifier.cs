using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Captcha;

/// <summary>Checks the token of the channel's "No soy un robot" widget.</summary>
public interface ICaptchaVerifier
{
    /// <summary>
    /// Checks <paramref name="token"/> for a call from <paramref name="caller"/>. Expected outcomes, the
    /// provider failing included, are values; only the caller's own cancellation throws.
    /// </summary>
    ValueTask<CaptchaCheck> VerifyAsync(string token, CallerContext caller, CancellationToken cancellationToken);
}
