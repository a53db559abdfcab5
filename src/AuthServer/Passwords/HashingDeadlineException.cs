namespace Recovery.AuthServer.Passwords;

/// <summary>
/// The estimated queue wait plus hash time exceeds the time left to the caller's deadline: the hash was
/// refused without being computed. Mapped to DEADLINE_EXCEEDED.
/// </summary>
public sealed class HashingDeadlineException : Exception
{
    public HashingDeadlineException()
        : base("The deadline cannot be met: password hashing would finish after it.")
    {
    }

    public HashingDeadlineException(string message)
        : base(message)
    {
    }

    public HashingDeadlineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
