namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// The delivery record's transitions, as pure functions: the in-memory store applies them under a lock, the Redis
/// store's Lua scripts mirror them, and one contract suite runs both.
/// </summary>
public static class SmsDeliveryRules
{
    /// <summary>A provider may be sent the message if it never had it, or certainly did not take it.</summary>
    public static bool MayClaim(SmsDeliveryState? attempt) => attempt is null or SmsDeliveryState.Unavailable;

    /// <summary>Whether a report may change an attempt: only one that may have the message and has no final report yet.</summary>
    public static bool Accepts(SmsDeliveryState? attempt, SmsDeliveryState reported) =>
        attempt is SmsDeliveryState.Sending or SmsDeliveryState.Submitted
        || (attempt is SmsDeliveryState.Accepted && reported is not SmsDeliveryState.Accepted);

    /// <summary>
    /// The overall state after an applied report, or null if it stays: a delivery counts whoever reports it; a failure
    /// or an acceptance only from the provider that has the message now (a late report of an earlier provider does not
    /// undo a later one's progress), and an acceptance never undoes a final state.
    /// </summary>
    public static SmsDeliveryState? Overall(SmsDeliveryState overall, string? current, string provider, SmsDeliveryState reported)
    {
        if (reported is SmsDeliveryState.Delivered)
        {
            return SmsDeliveryState.Delivered;
        }

        if (current is not null && current != provider)
        {
            return null;
        }

        return reported switch
        {
            SmsDeliveryState.Failed when overall is not SmsDeliveryState.Delivered => SmsDeliveryState.Failed,
            SmsDeliveryState.Accepted when overall is SmsDeliveryState.Pending or SmsDeliveryState.Submitted => SmsDeliveryState.Accepted,
            _ => null,
        };
    }
}
