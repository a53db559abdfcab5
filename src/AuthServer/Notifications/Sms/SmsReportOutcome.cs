namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>What a delivery report changed.</summary>
/// <param name="Applied">False when it named no known message or provider attempt, or repeated a final report.</param>
/// <param name="MoveOn">The SMS to send through the next provider (a failed report within the failover window), else null.</param>
public sealed record SmsReportOutcome(bool Applied, Notification? MoveOn)
{
    public static SmsReportOutcome Ignored { get; } = new(false, null);
}
