namespace Recovery.AuthServer.Notifications;

/// <summary>The outbox refused a message: delivery is far behind. Mapped to UNAVAILABLE.</summary>
public sealed class OutboxFullException : Exception
{
    public OutboxFullException()
        : base("The notification outbox is full.")
    {
    }

    public OutboxFullException(string message)
        : base(message)
    {
    }

    public OutboxFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
