namespace Recovery.AuthServer.Passwords;

/// <summary>
/// The Argon2 gate's queue is full: the call was refused before any work. Mapped to RESOURCE_EXHAUSTED
/// (HASHING_SATURATED) with RetryInfo.
/// </summary>
public sealed class HashingSaturatedException : Exception
{
    public HashingSaturatedException()
        : this(TimeSpan.FromSeconds(1))
    {
    }

    public HashingSaturatedException(TimeSpan retryAfter)
        : base("Password hashing is saturated.") => RetryAfter = retryAfter;

    public HashingSaturatedException(string message)
        : base(message) => RetryAfter = TimeSpan.FromSeconds(1);

    public HashingSaturatedException(string message, Exception innerException)
        : base(message, innerException) => RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Estimated time for the queue ahead to drain.</summary>
    public TimeSpan RetryAfter { get; }
}
