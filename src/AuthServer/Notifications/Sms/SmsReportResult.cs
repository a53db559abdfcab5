namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>How the listener answers a delivery report.</summary>
public enum SmsReportResult
{
    /// <summary>Read (applied, or a repeat of one already applied): 200, so the provider does not send it again.</summary>
    Accepted,

    /// <summary>Not a report we can read (unknown provider, status or message): 400.</summary>
    Malformed,

    /// <summary>Not from the provider: a wrong token or signature. 403, and nothing changes.</summary>
    Forged,
}
