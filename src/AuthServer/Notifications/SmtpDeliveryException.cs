namespace Recovery.AuthServer.Notifications;

/// <summary>
/// A temporary SMTP failure (a 4xx answer, a timeout, a lost or refused connection, a TLS or
/// authentication failure): the dispatcher retries it with its backoff. <see cref="Reason"/> is a short
/// code (<c>smtp-451-recipient</c>, <c>smtp-connection</c>); the message never carries the
/// recipient, the server's text (which may echo it) or the contents.
/// </summary>
public sealed class SmtpDeliveryException(string reason, Exception? inner = null)
    : Exception("The SMTP relay did not take the message: " + reason, inner)
{
    public string Reason { get; } = reason;
}
