namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// The delivery record of one SMS, for failover and for operators: its template, which providers had it and how
/// each ended. Never its text, code or phone number (records are found by a keyed hash of the number).
/// </summary>
/// <param name="Id">The outbox id of the message (the same through redeliveries and failovers).</param>
/// <param name="Provider">The provider it was last handed to (the one that has it, once <see cref="State"/> is past Pending), if any.</param>
public sealed record SmsDelivery(
    string Id,
    string Template,
    SmsDeliveryState State,
    string? Provider,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<SmsAttempt> Attempts)
{
    public SmsAttempt? AttemptWith(string provider) => Attempts.FirstOrDefault(a => a.Provider == provider);

    /// <summary>Whether <paramref name="provider"/> may be sent this SMS (again): only if it has not had it, or certainly did not take it.</summary>
    public bool MayTry(string provider) => AttemptWith(provider) is null or { State: SmsDeliveryState.Unavailable };
}
