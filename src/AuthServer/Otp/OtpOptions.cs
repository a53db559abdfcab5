using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Otp;

/// <summary>One-time codes sent by SMS, and authenticator apps (TOTP). Bound from <c>Otp:*</c>; every value has its default stated.</summary>
public sealed class OtpOptions : IValidatableObject
{
    public const string Section = "Otp";

    /// <summary>Digits of a recovery code. Default 6.</summary>
    [Range(6, 8)]
    public int RecoveryCodeDigits { get; set; } = 6;

    /// <summary>Digits of a signing code. Default 6 (the brief allows up to 8).</summary>
    [Range(6, 8)]
    public int SigningCodeDigits { get; set; } = 6;

    /// <summary>How long a code is valid. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:30:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wrong tries that burn one code. Default 3.</summary>
    [Range(1, 10)]
    public int MaxAttemptsPerCode { get; set; } = 3;

    /// <summary>Wrong tries over all codes of one recovery or operation that block it. Default 5.</summary>
    [Range(1, 50)]
    public int MaxFailuresPerChallenge { get; set; } = 5;

    /// <summary>
    /// The rolling window in which wrong codes are counted across recoveries, operations and enrolments
    /// (see the three limits below). Default 24 hours.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan WrongCodeWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Wrong recovery codes per card, and per identity document, within <see cref="WrongCodeWindow"/>, over all its
    /// recoveries; the last one blocks recovery with that card (and that customer) until the oldest leaves the window. Default 10.
    /// </summary>
    [Range(1, 100)]
    public int MaxWrongRecoveryCodes { get; set; } = 10;

    /// <summary>Wrong signing codes (SMS or app) per customer within <see cref="WrongCodeWindow"/>, over all operations. Default 10.</summary>
    [Range(1, 100)]
    public int MaxWrongSigningCodes { get; set; } = 10;

    /// <summary>Wrong SMS codes of authenticator enrolments per customer within <see cref="WrongCodeWindow"/>, over all enrolments. Default 10.</summary>
    [Range(1, 100)]
    public int MaxWrongEnrollmentCodes { get; set; } = 10;

    /// <summary>Wait before a resend is allowed. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ResendCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Multiplier of the cooldown after each resend: 1 (default) keeps it at <see cref="ResendCooldown"/>; 2 makes
    /// it 30 s, 60 s, 120 s, … (at most 1 h), so each further SMS costs an abuser more time (1–4).
    /// </summary>
    [Range(1.0, 4.0)]
    public double ResendCooldownGrowth { get; set; } = 1;

    /// <summary>Resends allowed per recovery or operation. Default 3.</summary>
    [Range(0, 10)]
    public int MaxResends { get; set; } = 3;

    /// <summary>
    /// How far from the server's clock a TOTP code is accepted, each side, in whole 30-second steps.
    /// Default 30 seconds (±1 step: the previous, current and next code).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:02:00")]
    public TimeSpan TotpWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Issuer shown by the authenticator app (otpauth:// <c>issuer</c>). Default "Banca a Distancia".</summary>
    [Required]
    [StringLength(64, MinimumLength = 1)]
    public string TotpIssuer { get; set; } = "Banca a Distancia";

    /// <summary>How long an enrolment may wait for ConfirmAuthenticator. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan AuthenticatorEnrollmentLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The window as a number of steps each side.</summary>
    public int TotpWindowSteps => (int)(TotpWindow.Ticks / TotpCode.Step.Ticks);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A window that is not whole steps would silently round; refuse it so the documented value is the real one.
        if (TotpWindow.Ticks % TotpCode.Step.Ticks != 0)
        {
            yield return new ValidationResult("Otp:TotpWindow must be a whole number of 30-second steps (00:00:00, 00:00:30, …, 00:02:00).", [nameof(TotpWindow)]);
        }
    }
}
