namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>One provider's part in delivering one SMS.</summary>
public sealed record SmsAttempt(string Provider, SmsDeliveryState State, DateTimeOffset At);
