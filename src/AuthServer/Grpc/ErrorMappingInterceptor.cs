using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The one place where outcomes become status codes. Domain failures carry their details; a cancelled
/// or timed-out call says so; anything unexpected is INTERNAL with a bland message (the exception is
/// logged by type and stack only, since a message might echo input). Nothing escapes as UNKNOWN.
/// It also hands the call's deadline to the domain (<see cref="RequestDeadline"/>) so that costly work can
/// refuse early instead of finishing after the caller stopped waiting.
/// </summary>
public sealed partial class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger, RequestDeadline deadline, RpcMetrics metrics) : Interceptor
{
    // Static: gRPC creates an interceptor per call, and the throttle must span calls.
    private static long shedSinceLog;
    private static long lastShedLogTicks = long.MinValue / 2;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var budget = deadline.Begin(TimeLeft(context));
        try
        {
            var response = await continuation(request, context);
            metrics.RpcCompleted(context.Method, nameof(StatusCode.OK), nameof(StatusCode.OK));
            return response;
        }
        catch (Exception ex)
        {
            throw Counted(Map(ex, context), context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var budget = deadline.Begin(TimeLeft(context));
        try
        {
            var response = await continuation(requestStream, context);
            metrics.RpcCompleted(context.Method, nameof(StatusCode.OK), nameof(StatusCode.OK));
            return response;
        }
        catch (Exception ex)
        {
            throw Counted(Map(ex, context), context);
        }
    }

    // Every mapped error carries an ErrorInfo; its reason is what operators count (shedding versus errors).
    private RpcException Counted(RpcException mapped, ServerCallContext context)
    {
        var reason = mapped.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason ?? "NONE";
        metrics.RpcCompleted(context.Method, mapped.StatusCode.ToString(), reason);
        return mapped;
    }

    private RpcException Map(Exception ex, ServerCallContext context)
    {
        switch (ex)
        {
            case DomainFailureException failure:
                return RpcStatusMapper.ToRpcException(failure.Failure);
            case RpcException rpc:
                return rpc;
            case OperationCanceledException when context.Deadline <= DateTime.UtcNow:
                return RpcStatusMapper.Simple(StatusCode.DeadlineExceeded, ErrorReasons.DeadlineExceeded, "The deadline passed before the call finished.");
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return RpcStatusMapper.Simple(StatusCode.Cancelled, ErrorReasons.Cancelled, "The call was cancelled.");
            case HashingSaturatedException saturated:
                if (ShouldLogShed())
                {
                    LogHashingShed(context.Method, Interlocked.Exchange(ref shedSinceLog, 0));
                }

                return RpcStatusMapper.ToRpcException(new Failure(FailureKind.ResourceExhausted, ErrorReasons.HashingSaturated,
                    "Password hashing is saturated; try again shortly.") { RetryAfter = saturated.RetryAfter });
            case HashingDeadlineException:
                return RpcStatusMapper.Simple(StatusCode.DeadlineExceeded, ErrorReasons.DeadlineExceeded,
                    "The deadline cannot be met: password hashing is queued beyond it.");
            case StorageUnavailableException:
                if (ShouldLogShed())
                {
                    LogStorageUnavailable(context.Method, Interlocked.Exchange(ref shedSinceLog, 0));
                }

                return RpcStatusMapper.ToRpcException(new Failure(FailureKind.Unavailable, ErrorReasons.StorageUnavailable,
                    "The shared store is unavailable; the step may or may not have taken effect. Try again shortly.") { RetryAfter = TimeSpan.FromSeconds(1) });
            case OutboxFullException:
                if (ShouldLogShed())
                {
                    LogShed(context.Method, Interlocked.Exchange(ref shedSinceLog, 0));
                }

                return RpcStatusMapper.Simple(StatusCode.Unavailable, ErrorReasons.Overloaded, "Message delivery is saturated; try again shortly.");
            default:
                LogUnexpected(context.Method, ex.GetType().FullName ?? ex.GetType().Name, ex.StackTrace ?? string.Empty);
                return RpcStatusMapper.Simple(StatusCode.Internal, ErrorReasons.Internal, "Internal error.");
        }
    }

    // gRPC deadlines are wall-clock instants; the domain gets a duration, measured on its own clock.
    private static TimeSpan? TimeLeft(ServerCallContext context) =>
        context.Deadline == DateTime.MaxValue ? null : context.Deadline.ToUniversalTime() - DateTime.UtcNow;

    // Shedding happens in floods; one line a second with a count says as much as thousands would.
    private static bool ShouldLogShed()
    {
        Interlocked.Increment(ref shedSinceLog);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref lastShedLogTicks);
        return now - last >= 1000 && Interlocked.CompareExchange(ref lastShedLogTicks, now, last) == last;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shed {Method}: password hashing queue full ({Count} calls shed since the last such line)")]
    private partial void LogHashingShed(string method, long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected {ExceptionType} in {Method}\n{StackTrace}")]
    private partial void LogUnexpected(string method, string exceptionType, string stackTrace);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused {Method}: shared store unavailable ({Count} calls refused since the last such line)")]
    private partial void LogStorageUnavailable(string method, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shed {Method}: notification outbox full ({Count} calls shed since the last such line)")]
    private partial void LogShed(string method, long count);
}
