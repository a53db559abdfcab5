using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

public sealed class ErrorMappingInterceptorTests : IDisposable
{
    private readonly RequestDeadline deadline = new(TestClock.Create());
    private readonly TestMetrics metrics = new();

    public void Dispose() => metrics.Dispose();

    [Fact]
    public async Task UnaryServerHandler_EveryOutcome_CountedByMethodStatusAndReason()
    {
        using var completed = new MetricCollector<long>(metrics.Factory, RecoveryMeter.Name, "recovery.rpc.completed");

        await Handle(_ => Task.FromResult("ok"));
        await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw new HashingSaturatedException(TimeSpan.FromSeconds(1))));
        await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw new InvalidOperationException("a bug")));

        var seen = completed.GetMeasurementSnapshot()
            .Select(m => (m.Value, m.Tags["rpc.method"], m.Tags["rpc.grpc.status_code"], m.Tags["recovery.reason"]))
            .ToList();
        Assert.Equal(
            [
                (1L, "/recovery.v1.AccessService/Login", "OK", "OK"),
                (1L, "/recovery.v1.AccessService/Login", "ResourceExhausted", ErrorReasons.HashingSaturated),
                (1L, "/recovery.v1.AccessService/Login", "Internal", ErrorReasons.Internal),
            ],
            seen.Select(t => (t.Value, (string)t.Item2!, (string)t.Item3!, (string)t.Item4!)));
    }

    [Fact]
    public async Task UnaryServerHandler_HashingSaturated_ResourceExhaustedWithRetryInfo()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw new HashingSaturatedException(TimeSpan.FromMilliseconds(1200))));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal(ErrorReasons.HashingSaturated, status.GetDetail<ErrorInfo>()!.Reason);
        Assert.Equal(2, status.GetDetail<RetryInfo>()!.RetryDelay.Seconds);
    }

    [Fact]
    public async Task UnaryServerHandler_HashingDeadline_DeadlineExceeded()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw new HashingDeadlineException()));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(ErrorReasons.DeadlineExceeded, ex.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [Fact]
    public async Task UnaryServerHandler_CallWithDeadline_DomainSeesTheTimeLeft()
    {
        TimeSpan? seen = null;
        await Handle(_ =>
        {
            seen = deadline.Remaining;
            return Task.FromResult("ok");
        }, DateTime.UtcNow.AddSeconds(30));

        Assert.NotNull(seen);
        Assert.InRange(seen.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.Null(deadline.Remaining);
    }

    [Fact]
    public async Task UnaryServerHandler_CallWithoutDeadline_DomainSeesNone()
    {
        TimeSpan? seen = TimeSpan.Zero;
        await Handle(_ =>
        {
            seen = deadline.Remaining;
            return Task.FromResult("ok");
        });

        Assert.Null(seen);
    }

    [Fact]
    public async Task UnaryServerHandler_UnexpectedException_InternalWithErrorInfoAndTheLogNamesTheTypeNeverTheMessage()
    {
        // The message of an unexpected exception may echo input (here a PAN): neither the caller nor the log sees it.
        var logger = new FakeLogger<ErrorMappingInterceptor>();
        var interceptor = new ErrorMappingInterceptor(logger, deadline, metrics.Rpc);

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler(
            "request",
            new TestCallContext("/recovery.v1.AccessService/Login"),
            (_, _) => Task.FromException<string>(new InvalidOperationException("card 4548812044110335"))));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal(ErrorReasons.Internal, ex.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
        Assert.DoesNotContain("4548812044110335", ex.Status.Detail, StringComparison.Ordinal);
        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Contains(nameof(InvalidOperationException), line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("4548812044110335", line.Message, StringComparison.Ordinal);
        Assert.Null(line.Exception);
    }

    private Task<string> Handle(Func<string, Task<string>> body, DateTime? callDeadline = null) =>
        new ErrorMappingInterceptor(NullLogger<ErrorMappingInterceptor>.Instance, deadline, metrics.Rpc)
            .UnaryServerHandler("request", new TestCallContext("/recovery.v1.AccessService/Login", deadline: callDeadline), (r, _) => body(r));
}
