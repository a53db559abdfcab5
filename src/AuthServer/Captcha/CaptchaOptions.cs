using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Captcha;

/// <summary>Bound from <c>Captcha:*</c>.</summary>
public sealed class CaptchaOptions
{
    public const string Section = "Captcha";

    /// <summary>
    /// <c>Development</c> (default): accepts only <see cref="DevelopmentToken"/>, and refuses to start
    /// in Production. A real provider plugs in behind <see cref="ICaptchaVerifier"/>.
    /// </summary>
    [Required]
    [RegularExpression("^Development$")]
    public string Provider { get; set; } = "Development";

    /// <summary>The token the development verifier accepts. Default <c>dev-ok</c>.</summary>
    [Required]
    [MinLength(1)]
    public string DevelopmentToken { get; set; } = "dev-ok";
}
