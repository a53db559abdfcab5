namespace Recovery.AuthServer.Storage;

/// <summary>
/// The shared store did not answer (down, or slower than its bound). Mapped to UNAVAILABLE: the call
/// is refused whole, never half done, so no limit is skipped and no code is accepted without it.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
        : base("The shared store is unavailable.")
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
