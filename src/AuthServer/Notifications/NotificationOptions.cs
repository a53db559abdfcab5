using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Notifications;

/// <summary>Bound from <c>Notifications:*</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Messages waiting for delivery before new ones are refused. Default 10000.</summary>
    [Range(100, 1_000_000)]
    public int OutboxCapacity { get; set; } = 10_000;

    /// <summary>Tries per message before it is given up (and audited). Default 5.</summary>
    [Range(1, 20)]
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>
    /// Redis outbox only: how long a node may hold a message it took before any node may take it
    /// again (the taker is presumed dead). Longer than the slowest delivery with all its retries, or
    /// a slow node and its successor both send it. Default 2 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Redis outbox only: how long the messages of a credential change (a recovery's user code and
    /// temporary password, a password change's e-mail) stay held, not deliverable, before any node's
    /// dispatcher settles them as their node having died: sent if the change applied, deleted (and the
    /// change fenced off) if not. Longer than any step takes, or a slow step is abandoned. Default 1 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:30:00")]
    public TimeSpan HoldTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Redis outbox only: how often an idle dispatcher asks Redis for work (messages enqueued on the
    /// same node wake it at once). Also bounds how stale <c>HasRoomFor</c> is. Default 250 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// SMS to one phone number (all templates together), as a burst then smoothly (GCRA): 20 per 24 h by default
    /// refills one every 72 minutes. One more is not sent: the dispatcher drops it, logs and audits it
    /// (<c>notification.sms capped</c>). It bounds what a stolen card, a compromised channel or a bug can make the
    /// bank pay for and a customer's phone receive, without a flow answering differently (no enumeration).
    /// </summary>
    [Required]
    [ValidateObjectMembers]
    public RateLimiting.RateLimitRule SmsPerPhone { get; set; } = RateLimiting.RateLimitRule.Of(20, TimeSpan.FromHours(24));

    public DevSinkOptions DevSink { get; set; } = new();

    public NotificationTextsOptions Texts { get; set; } = new();
}
