namespace Recovery.AuthServer.Captcha;

/// <summary>The values of <c>Captcha:Provider</c>.</summary>
public static class CaptchaProviders
{
    public const string Development = "Development";
    public const string ReCaptchaV2 = "ReCaptchaV2";
    public const string ReCaptchaV3 = "ReCaptchaV3";
    public const string HCaptcha = "HCaptcha";
    public const string Turnstile = "Turnstile";
    public const string Altcha = "Altcha";

    /// <summary>The providers checked through a third party's siteverify endpoint.</summary>
    public static bool IsSiteverify(string provider) => provider is ReCaptchaV2 or ReCaptchaV3 or HCaptcha or Turnstile;

    /// <summary>The public siteverify URL of each provider, as documented by it.</summary>
    public static Uri DefaultEndpoint(string provider) => provider switch
    {
        ReCaptchaV2 or ReCaptchaV3 => new("https://www.google.com/recaptcha/api/siteverify"),
        HCaptcha => new("https://api.hcaptcha.com/siteverify"),
        Turnstile => new("https://challenges.cloudflare.com/turnstile/v0/siteverify"),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Not a siteverify provider."),
    };
}
