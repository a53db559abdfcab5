using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>Turns a <see cref="Failure"/> into a gRPC status with google.rpc details.</summary>
public static class RpcStatusMapper
{
    public static RpcException ToRpcException(Failure failure)
    {
        var code = failure.Kind switch
        {
            FailureKind.InvalidArgument => Code.InvalidArgument,
            FailureKind.NotFound => Code.NotFound,
            FailureKind.FailedPrecondition => Code.FailedPrecondition,
            FailureKind.PermissionDenied => Code.PermissionDenied,
            FailureKind.Unauthenticated => Code.Unauthenticated,
            FailureKind.ResourceExhausted => Code.ResourceExhausted,
            FailureKind.Unavailable => Code.Unavailable,
            FailureKind.Aborted => Code.Aborted,
            FailureKind.AlreadyExists => Code.AlreadyExists,
            FailureKind.DeadlineExceeded => Code.DeadlineExceeded,
            _ => Code.Internal,
        };

        var errorInfo = new ErrorInfo { Reason = failure.Reason, Domain = ErrorReasons.Domain };
        foreach (var (key, value) in failure.Metadata)
        {
            errorInfo.Metadata[key] = value;
        }

        var status = new Google.Rpc.Status { Code = (int)code, Message = failure.Message };
        status.Details.Add(Any.Pack(errorInfo));

        if (failure.Violations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(failure.Violations.Select(v => new BadRequest.Types.FieldViolation
            {
                Field = v.Field,
                Description = v.Description,
                Reason = v.Reason ?? string.Empty,
            }));
            status.Details.Add(Any.Pack(badRequest));
        }

        if (failure.RetryAfter is { } retryAfter)
        {
            var delay = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;

            // Round up to whole seconds: a client that retries on the dot must not be refused again. A queue's
            // prediction goes to the millisecond: rounding half a second up to one would idle the cores it frees.
            var sent = failure.PreciseRetryAfter
                ? TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds))
                : TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(sent) }));
        }

        if (failure.CustomerMessage is { } text)
        {
            status.Details.Add(Any.Pack(new LocalizedMessage { Locale = text.Locale, Message = text.Text }));
        }

        return status.ToRpcException();
    }

    public static RpcException Simple(StatusCode code, string reason, string message) =>
        new Google.Rpc.Status
        {
            Code = (int)code,
            Message = message,
            Details = { Any.Pack(new ErrorInfo { Reason = reason, Domain = ErrorReasons.Domain }) },
        }.ToRpcException();
}
