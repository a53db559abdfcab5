namespace Recovery.AuthServer.Captcha;

/// <summary>
/// The outcome of a captcha check: the verdict and a short non-secret detail for the audit trail
/// (e.g. <c>hostname</c>, <c>score</c>, <c>replayed</c>, <c>timeout</c>); never the token.
/// </summary>
public readonly record struct CaptchaCheck(CaptchaVerdict Verdict, string Detail)
{
    public static CaptchaCheck Accepted { get; } = new(CaptchaVerdict.Accepted, "accepted");

    public static CaptchaCheck Rejected(string detail) => new(CaptchaVerdict.Rejected, detail);

    public static CaptchaCheck Unavailable(string detail) => new(CaptchaVerdict.Unavailable, detail);
}
