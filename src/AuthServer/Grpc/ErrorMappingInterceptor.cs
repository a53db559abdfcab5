using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The one place where refusals become status codes. A <see cref="FailureException"/> (an unwrapped outcome,
/// an interceptor's refusal, load shedding, a store that did not answer) carries its <see cref="Failure"/>,
/// which alone decides the status and details: no kind of refusal has a case of its own here. A refusal for
/// the server's own state (<see cref="Failure.Shed"/>) is logged, one line a second with a count. An
/// RpcException passes as is; a cancelled or timed-out call says so; anything unexpected is INTERNAL with a
/// bland message (the exception is logged by type and stack only, since a message might echo input).
/// Nothing escapes as UNKNOWN.
/// It also hands the call's deadline to the domain (<see cref="RequestDeadline"/>) so that costly work can
/// refuse early instead of finishing after the caller stopped waiting.
/// </summary>
public sealed partial class ErrorMappingInterceptor(
    ILogger<ErrorMappingInterceptor> logger,
    RequestDeadline deadline,
    RpcMetrics metrics,
    TimeProvider time) : Interceptor
{
    // Instance fields of a singleton (registered in DI, so grpc-dotnet takes this one instance for every call):
    // the throttle spans calls without static state.
    private long shedSinceLog;
    private long lastShedLogTicks;

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
            case FailureException refused:
                if (refused.Failure.Shed && ShouldLogShed())
                {
                    LogShed(context.Method, refused.Failure.Reason, Interlocked.Exchange(ref shedSinceLog, 0));
                }

                return RpcStatusMapper.ToRpcException(refused.Failure);
            case RpcException rpc:
                return rpc;
            case OperationCanceledException when context.Deadline <= DateTime.UtcNow:
                return RpcStatusMapper.Simple(StatusCode.DeadlineExceeded, ErrorReasons.DeadlineExceeded, "The deadline passed before the call finished.");
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return RpcStatusMapper.Simple(StatusCode.Cancelled, ErrorReasons.Cancelled, "The call was cancelled.");
            default:
                LogUnexpected(context.Method, ex.GetType().FullName ?? ex.GetType().Name, ex.StackTrace ?? string.Empty);
                return RpcStatusMapper.Simple(StatusCode.Internal, ErrorReasons.Internal, "Internal error.");
        }
    }

    // gRPC deadlines are wall-clock instants; the domain gets a duration, measured on its own clock.
    private static TimeSpan? TimeLeft(ServerCallContext context) =>
        context.Deadline == DateTime.MaxValue ? null : context.Deadline.ToUniversalTime() - DateTime.UtcNow;

    // Shedding happens in floods; one line a second with a count says as much as thousands would.
    private bool ShouldLogShed()
    {
        Interlocked.Increment(ref shedSinceLog);
        var now = time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref lastShedLogTicks);
        return now - last >= TimeSpan.TicksPerSecond && Interlocked.CompareExchange(ref lastShedLogTicks, now, last) == last;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shed {Method}: {Reason} ({Count} calls shed since the last such line)")]
    private partial void LogShed(string method, string reason, long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected {ExceptionType} in {Method}\n{StackTrace}")]
    private partial void LogUnexpected(string method, string exceptionType, string stackTrace);
}
