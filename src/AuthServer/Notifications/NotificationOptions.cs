using System.ComponentModel.DataAnnotations;

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

    public DevSinkOptions DevSink { get; set; } = new();
}
