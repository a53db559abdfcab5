namespace Recovery.AuthServer.Common;

/// <summary>
/// The class of an expected failure. The gRPC layer maps each to one status code; the domain
/// never references Grpc.Core.
/// </summary>
public enum FailureKind
{
    InvalidArgument,
    NotFound,
    FailedPrecondition,
    PermissionDenied,
    Unauthenticated,
    ResourceExhausted,
    Unavailable,
    Aborted,

    /// <summary>The thing to create exists already (a directory customer).</summary>
    AlreadyExists,

    /// <summary>The caller's deadline cannot be met (work refused before it started, such as a queued hash).</summary>
    DeadlineExceeded,
}
