namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// The SMS delivery records (in memory or on Redis; both behave alike). Each change is one atomic step, so a
/// delivery report that races the provider's HTTP answer, or arrives twice, or on another node, lands once.
/// </summary>
public interface ISmsDeliveryStore
{
    /// <summary>
    /// The record of message <paramref name="id"/>, created on its first take. A sealed copy of the message is kept
    /// (again) until <see cref="SmsOptions.FailoverWindow"/> after creation, so that a failed delivery report can
    /// hand it to the next provider.
    /// </summary>
    /// <param name="phoneKey">A keyed hash of the phone number: how operators find a customer's deliveries.</param>
    Task<SmsDelivery> OpenAsync(string id, string phoneKey, Notification notification, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Marks <paramref name="provider"/> as being sent the message (<see cref="SmsDeliveryState.Sending"/>), unless it
    /// had it before with any outcome but <see cref="SmsDeliveryState.Unavailable"/>: false then, and nothing is sent
    /// (never twice to the same provider). A claim makes <paramref name="provider"/> the one the message is with
    /// (state <see cref="SmsDeliveryState.Pending"/> until it answers), so that its delivery report, which may come
    /// before its HTTP answer, is read as the current provider's.
    /// </summary>
    Task<bool> TryClaimAsync(string id, string provider, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// How the provider answered a claim: <see cref="SmsDeliveryState.Submitted"/> (it has it now),
    /// <see cref="SmsDeliveryState.Refused"/>, <see cref="SmsDeliveryState.Unavailable"/> or
    /// <see cref="SmsDeliveryState.Sending"/> (unknown). No-op if a delivery report got there first.
    /// </summary>
    Task SettleAsync(string id, string provider, SmsDeliveryState outcome, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The message will not be sent: every provider refused it, or it waited too long. Its sealed copy is deleted.</summary>
    Task CloseAsync(string id, SmsDeliveryState state, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// A delivery report from <paramref name="provider"/> (<see cref="SmsDeliveryState.Accepted"/>, <see cref="SmsDeliveryState.Delivered"/>
    /// or <see cref="SmsDeliveryState.Failed"/>). A failure of the provider that has the message, within the failover
    /// window, returns the message (once) to be sent through the next provider.
    /// </summary>
    Task<SmsReportOutcome> ReportAsync(string id, string provider, SmsDeliveryState reported, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The record of one message, or null.</summary>
    Task<SmsDelivery?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The latest deliveries to one phone, newest first (at most <see cref="SmsOptions.RecentPerPhone"/>).</summary>
    Task<IReadOnlyList<SmsDelivery>> RecentAsync(string phoneKey, CancellationToken cancellationToken);
}
