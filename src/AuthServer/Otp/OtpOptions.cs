using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Otp;

/// <summary>One-time codes sent by SMS. Bound from <c>Otp:*</c>; every value has its default stated.</summary>
public sealed class OtpOptions
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

    /// <summary>Wait before a resend is allowed. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ResendCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Resends allowed per recovery or operation. Default 3.</summary>
    [Range(0, 10)]
    public int MaxResends { get; set; } = 3;
}
