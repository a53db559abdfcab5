using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>Carries an expected <see cref="Failure"/> from an adapter to <see cref="ErrorMappingInterceptor"/>.</summary>
public sealed class DomainFailureException : Exception
{
    public DomainFailureException(Failure failure)
        : base(failure.Message) => Failure = failure;

    public DomainFailureException()
        : this(new Failure(FailureKind.FailedPrecondition, ErrorReasons.Internal, "Unspecified failure."))
    {
    }

    public DomainFailureException(string message)
        : this(new Failure(FailureKind.FailedPrecondition, ErrorReasons.Internal, message))
    {
    }

    public DomainFailureException(string message, Exception innerException)
        : base(message, innerException) => Failure = new Failure(FailureKind.FailedPrecondition, ErrorReasons.Internal, message);

    public Failure Failure { get; }
}
