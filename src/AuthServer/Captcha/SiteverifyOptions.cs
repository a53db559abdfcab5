namespace Recovery.AuthServer.Captcha;

/// <summary>
/// <c>Captcha:Siteverify:*</c>: the provider's siteverify API (reCAPTCHA, hCaptcha, Turnstile all speak it:
/// POST form <c>secret</c>, <c>response</c>, optional <c>remoteip</c>; JSON answer).
/// </summary>
public sealed class SiteverifyOptions
{
    /// <summary>The secret key the provider issued for the site. Required for a siteverify provider.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The siteverify URL. Default: the provider's public one (<see cref="CaptchaProviders.DefaultEndpoint"/>).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Host names the widget may have been solved on (the answer's <c>hostname</c>), e.g. <c>banca.example.es</c>.
    /// Required: a token solved on another site is refused.
    /// </summary>
    public string[] ExpectedHostnames { get; set; } = [];

    /// <summary>ReCaptchaV3 only: the lowest score accepted, 0.0–1.0. Default 0.5.</summary>
    public double MinimumScore { get; set; } = 0.5;

    /// <summary>
    /// The action the widget was run with (<c>action</c> in the answer). Required for ReCaptchaV3; checked for
    /// Turnstile when set. Default none.
    /// </summary>
    public string? ExpectedAction { get; set; }

    /// <summary>How long to wait for the provider before refusing the step (UNAVAILABLE). Default 3 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long an accepted token is remembered so that a replay is refused: at least the provider's token
    /// lifetime (reCAPTCHA and hCaptcha 2 min, Turnstile 5 min). Default 5 min.
    /// </summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
