namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>Where one SMS stands, overall or with one provider.</summary>
public enum SmsDeliveryState
{
    /// <summary>Queued: no provider has taken it yet (or the last one failed and the next is due).</summary>
    Pending,

    /// <summary>Handed to a provider whose answer never came (a timeout, a dropped connection): it may have taken it, so it is not sent there again.</summary>
    Sending,

    /// <summary>A provider took it (HTTP answer); no delivery report yet.</summary>
    Submitted,

    /// <summary>The provider's SMSC or carrier accepted it (Kannel 4/8, Twilio queued/sent).</summary>
    Accepted,

    /// <summary>On the handset (Kannel 1, Twilio delivered).</summary>
    Delivered,

    /// <summary>Failed or expired on the network (Kannel 2/16, Twilio undelivered/failed); moved to the next provider.</summary>
    Failed,

    /// <summary>Refused for good by the provider (an invalid number, bad credentials).</summary>
    Refused,

    /// <summary>The provider certainly did not take it (refused connection, 429/5xx, open circuit); it may be tried again.</summary>
    Unavailable,

    /// <summary>No provider took it within <see cref="SmsOptions.MaxWait"/>, or every provider refused it.</summary>
    GivenUp,
}
