
namespace Recovery.AuthServer.Customers;

/// <summary>
/// What support may know of a customer's credentials: states and counts, no secret; and the latest SMS to the phone on
/// file as the delivery records keep them (template, providers, states, times: never the text, code or number).
/// </summary>
public sealed record CustomerStatus(
    string CustomerId,
    string UserCode,
    CredentialState State,
    bool HasPassword,
    DateTimeOffset? TemporaryPasswordExpiresAt,
    int FailedLogins,
    DateTimeOffset? RecoveryBlockedUntil,
    int CardCount)
{
    public IReadOnlyList<Notifications.Sms.SmsDelivery> RecentSms { get; init; } = [];
}
