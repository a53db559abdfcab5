namespace Recovery.AuthServer.Notifications;

/// <summary>
/// One SMS or e-mail, rendered. <see cref="Values"/> may hold secrets (a code, a temporary
/// password): it goes only to the delivery sender, never to a log; <see cref="ToString"/> hides it.
/// </summary>
public sealed record Notification(
    NotificationChannel Channel,
    string To,
    string Template,
    IReadOnlyDictionary<string, string> Values,
    string Text,
    string Language)
{
    /// <summary>
    /// The outbox's id of this message, set by the dispatcher before each delivery: the same on every
    /// redelivery, so a sender can derive an idempotency key or a Message-ID from it.
    /// </summary>
    public string MessageId { get; init; } = string.Empty;

    public override string ToString() => $"Notification {{ Channel = {Channel}, Template = {Template} }}";
}
