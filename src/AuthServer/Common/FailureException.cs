namespace Recovery.AuthServer.Common;

/// <summary>
/// The one exception that carries a refusal: a <see cref="Common.Failure"/> that must cross a boundary as
/// an exception rather than as an <see cref="Outcome{T}"/> (an adapter unwrapping an outcome, an interceptor
/// refusing a call, a saturated Argon2 gate, a full outbox, a store that does not answer). The error
/// interceptor maps it to a status with google.rpc details from <see cref="Failure"/> alone, so a new kind of
/// refusal needs no case of its own there. <see cref="Exception.Message"/> may say more than the failure's
/// (for the log); it never reaches the caller.
/// </summary>
public class FailureException : Exception
{
    public FailureException(Failure failure)
        : base(failure.Message) => Failure = failure;

    public FailureException(Failure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    public FailureException()
        : this(Unspecified("Unspecified failure."))
    {
    }

    public FailureException(string message)
        : this(Unspecified(message))
    {
    }

    public FailureException(string message, Exception innerException)
        : this(Unspecified(message), message, innerException)
    {
    }

    public Failure Failure { get; }

    // The standard constructors exist for the analyzers' sake (CA1032); nothing throws a refusal without its failure.
    private static Failure Unspecified(string message) => new(FailureKind.FailedPrecondition, ErrorReasons.Internal, message);
}
