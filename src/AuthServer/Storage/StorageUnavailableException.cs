using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Storage;

/// <summary>
/// The shared store did not answer (down, or slower than its bound): UNAVAILABLE <c>STORAGE_UNAVAILABLE</c>,
/// RetryInfo 1 s. The call is refused whole, never half done, so no limit is skipped and no code is accepted
/// without it. A <see cref="FailureException"/> like every refusal, mapped from its <see cref="FailureException.Failure"/>;
/// a type of its own because code at the storage boundary must tell "the store did not answer" apart from
/// every other refusal: the providers throw it, and the wrong-code ledger's settling and the health check
/// catch exactly it (a full outbox or a saturated hash there must not be swallowed or reported as the store
/// being down). Above the flows nothing names it (Grpc sees a FailureException).
/// </summary>
public sealed class StorageUnavailableException : FailureException
{
    /// <summary>What the caller is told, whatever went wrong underneath (the exception's own message is for the log).</summary>
    public static Failure Refusal { get; } =
        new(FailureKind.Unavailable, ErrorReasons.StorageUnavailable,
            "The shared store is unavailable; the step may or may not have taken effect. Try again shortly.")
        {
            RetryAfter = TimeSpan.FromSeconds(1),
            Shed = true,
        };

    public StorageUnavailableException()
        : base(Refusal, "The shared store is unavailable.")
    {
    }

    public StorageUnavailableException(string message)
        : base(Refusal, message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(Refusal, message, innerException)
    {
    }
}
