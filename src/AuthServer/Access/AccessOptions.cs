using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Access;

/// <summary>Bound from <c>Access:*</c>.</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>Consecutive wrong passwords that block the credentials. Default 5.</summary>
    [Range(3, 20)]
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>
    /// How long a user code that no customer has keeps its count of wrong passwords after its last try, so
    /// that it answers like a real one (INVALID_CREDENTIALS four times, then CREDENTIALS_BLOCKED). Default 30 days.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan UnknownUserCodeMemory { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Idle limit of a change ticket (PSD2 RTS art. 4). Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "00:05:00")]
    public TimeSpan ChangeTicketIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Hard limit of a change ticket whatever the activity. Default 30 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "02:00:00")]
    public TimeSpan ChangeTicketMaxLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Lifetime of a session from Login. Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "12:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an operation can be signed (resends included). Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "01:00:00")]
    public TimeSpan OperationLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
