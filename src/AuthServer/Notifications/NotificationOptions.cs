using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Notifications;

/// <summary>Bound from <c>Notifications:*</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>
    /// Messages waiting for delivery before new ones are refused. Default 10000. The messages of a credential change that
    /// committed while its hold was refused are queued beyond it (<see cref="INotificationOutbox.EnqueueCommittedAsync"/>).
    /// </summary>
    [Range(100, 1_000_000)]
    public int OutboxCapacity { get; set; } = 10_000;

    /// <summary>Tries per message before it is given up (and audited). Default 5.</summary>
    [Range(1, 20)]
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>
    /// How many messages one node's dispatcher delivers at once: that many take-deliver-acknowledge loops share the
    /// node's outbox reader, so one slow provider call (an SMTP relay taking seconds, an SMS gateway retried with
    /// backoff) holds only its own loop, not every message behind it. Messages are then delivered in no guaranteed order
    /// (the outbox stays first in, first taken). Size it by the provider calls a node should have in flight; each loop
    /// idles on the outbox's wake-up at no cost. Default 4.
    /// </summary>
    [Range(1, 64)]
    public int DispatchConcurrency { get; set; } = 4;

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
    /// Redis outbox only: how many shards the outbox is split into, each its own hash tag (<c>{outbox}</c>,
    /// <c>{outbox:1}</c>, …), so a Redis Cluster spreads them over its primaries. A step's messages and a change's
    /// held messages stay in one shard (its enqueue is one script); <see cref="OutboxCapacity"/> is divided between
    /// the shards. Raise it freely; lower it only with the outbox drained (messages in a shard no reader covers wait
    /// there). Default 4.
    /// </summary>
    [Range(1, 16)]
    public int OutboxShards { get; set; } = 4;

    /// <summary>
    /// Redis outbox only: how often an idle dispatcher looks at every shard without being told to. Nodes are woken
    /// by what the outbox's scripts publish (new work, a lease or hold deadline), so the sweep is only a safety net
    /// for a notification lost while a node's subscription was reconnecting. Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

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
