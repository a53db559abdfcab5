using Microsoft.AspNetCore.Authorization;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Why an authorization requirement refused a call, as the <see cref="Common.Failure"/> the caller must see;
/// <see cref="GrpcAuthorizationResultHandler"/> writes it as the gRPC status with its ErrorInfo.
/// </summary>
public sealed class RefusalReason(IAuthorizationHandler handler, Failure failure) : AuthorizationFailureReason(handler, failure?.Message ?? string.Empty)
{
    public Failure Failure { get; } = failure ?? throw new ArgumentNullException(nameof(failure));
}
