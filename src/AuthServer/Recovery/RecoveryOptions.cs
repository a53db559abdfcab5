using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Recovery;

/// <summary>Bound from <c>Recovery:*</c>.</summary>
public sealed class RecoveryOptions
{
    public const string Section = "Recovery";

    /// <summary>How long the temporary password is valid. Default 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "7.00:00:00")]
    public TimeSpan TemporaryPasswordLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>First block of the recovery procedure after too many wrong codes; each next one doubles. Default 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan FirstBlock { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest block of the recovery procedure. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan MaxBlock { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a recovery can be resent or confirmed at all. Default 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);
}
