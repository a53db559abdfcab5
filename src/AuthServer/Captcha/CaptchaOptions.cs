using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Captcha;

/// <summary>Bound from <c>Captcha:*</c>; <see cref="CaptchaOptionsValidator"/> checks what each provider needs.</summary>
public sealed class CaptchaOptions
{
    public const string Section = "Captcha";

    /// <summary>
    /// <c>Development</c> (default; accepts only <see cref="DevelopmentToken"/> and runs only in the Development
    /// environment), <c>ReCaptchaV2</c>, <c>ReCaptchaV3</c>, <c>HCaptcha</c>, <c>Turnstile</c> (siteverify,
    /// <see cref="Siteverify"/>) or <c>Altcha</c> (self-hosted proof of work, <see cref="Altcha"/>).
    /// </summary>
    [Required]
    [RegularExpression("^(Development|ReCaptchaV2|ReCaptchaV3|HCaptcha|Turnstile|Altcha)$")]
    public string Provider { get; set; } = CaptchaProviders.Development;

    /// <summary>The token the development verifier accepts. Default <c>dev-ok</c>.</summary>
    [Required]
    [MinLength(1)]
    public string DevelopmentToken { get; set; } = "dev-ok";

    /// <summary>
    /// Channels trusted to report the customer's address (<c>x-client-address</c>) to the captcha provider as
    /// <c>remoteip</c>. Default none: the address is not sent.
    /// </summary>
    public string[] TrustedAddressChannels { get; set; } = [];

    public SiteverifyOptions Siteverify { get; set; } = new();

    public AltchaOptions Altcha { get; set; } = new();
}
