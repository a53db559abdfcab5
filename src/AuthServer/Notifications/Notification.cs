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
    public override string ToString() => $"Notification {{ Channel = {Channel}, Template = {Template} }}";
}
