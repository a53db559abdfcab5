namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Thrown by a sender when the provider refused the message for good (an SMTP 5xx, an SMS gateway's
/// "invalid number"): trying again would only be refused again, so the dispatcher records it and does
/// not retry. Any other exception is temporary and retried with backoff. <see cref="Reason"/> is a
/// short code for logs and metrics and must never carry the destination or the contents.
/// </summary>
public sealed class PermanentDeliveryException(string reason, Exception? inner = null)
    : Exception("The provider refused the message permanently: " + reason, inner)
{
    public string Reason { get; } = reason;
}
