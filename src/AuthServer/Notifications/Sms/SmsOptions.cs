using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>Bound from <c>Notifications:Sms:*</c>: the SMS providers (an ordered list, for failover) and their delivery reports.</summary>
public sealed class SmsOptions
{
    public const string Section = "Notifications:Sms";

    /// <summary>
    /// The providers, tried in this order for each SMS. Empty (default): no SMS gateway (the development sink or the
    /// logging stand-in only), which Production refuses.
    /// </summary>
    [ValidateEnumeratedItems]
    public List<SmsProviderOptions> Providers { get; set; } = [];

    public SmsDeliveryReportOptions DeliveryReports { get; set; } = new();

    /// <summary>
    /// How long an SMS that no provider took may wait in the outbox for one to come back before it is given up
    /// (its code has expired by then). Default 30 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>While every provider is down, the pause before the same SMS is tried again. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan RetryPause { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after it was queued a failed or expired delivery report still moves an SMS to the next provider
    /// (a sealed copy is kept that long, then only its record). Default 15 min, the longest code lifetime.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan FailoverWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a delivery record is kept for operators. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan RecordRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Deliveries per phone kept for <c>GetCustomerStatus</c>. Default 10.</summary>
    [Range(1, 100)]
    public int RecentPerPhone { get; set; } = 10;
}
