namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// The provider certainly did not take the message (the connection was refused, it answered 429 or 5xx, or its circuit
/// is open): it may be sent there again later. <see cref="Reason"/> is a short code, never a destination or contents.
/// </summary>
public sealed class SmsProviderUnavailableException(string reason, Exception? inner = null)
    : Exception("The SMS provider did not take the message: " + reason, inner)
{
    public string Reason { get; } = reason;
}
