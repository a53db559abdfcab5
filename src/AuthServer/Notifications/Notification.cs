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

    /// <summary>
    /// A message enqueued for a decoy (an unknown card, a blocked procedure) so that the flow does the same work
    /// as for a customer: rendered, sealed, checked for room and refused by a full outbox alike, then discarded by the
    /// outbox instead of stored (on Redis within the same script, with the same commands: RedisOutboxScripts.Enqueue),
    /// so that decoys take neither the outbox's room nor the dispatcher's time. A decoy stored by an earlier version
    /// carries the flag inside its sealed payload, and the dispatcher drops it unsent.
    /// </summary>
    public bool Decoy { get; init; }

    /// <summary>E-mail only: the subject line, in the message's language.</summary>
    public string? Subject { get; init; }

    /// <summary>E-mail only: the HTML alternative of <see cref="Text"/> (values already escaped).</summary>
    public string? Html { get; init; }

    public override string ToString() => $"Notification {{ Channel = {Channel}, Template = {Template} }}";
}
