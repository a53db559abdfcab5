using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

/// <summary>
/// The one refusal route: every refusal arrives as a <see cref="FailureException"/> and is mapped from its
/// failure alone; a case per mapping, with the statuses, reasons and RetryInfo that docs/errors.md promises.
/// </summary>
public sealed class ErrorMappingInterceptorTests : IDisposable
{
    private const string Method = "/recovery.v1.AccessService/Login";
    private readonly FakeTimeProvider clock = TestClock.Create();
    private readonly RequestDeadline deadline = new(TestClock.Create());
    private readonly TestMetrics metrics = new();

    public void Dispose() => metrics.Dispose();

    [Fact]
    public async Task UnaryServerHandler_EveryOutcome_CountedByMethodStatusAndReason()
    {
        using var completed = new MetricCollector<long>(metrics.Factory, RecoveryMeter.Name, "recovery.rpc.completed");

        await Handle(_ => Task.FromResult("ok"));
        await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw HashingRefusals.Saturated(TimeSpan.FromSeconds(1))));
        await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw new InvalidOperationException("a bug")));

        var seen = completed.GetMeasurementSnapshot()
            .Select(m => (m.Value, m.Tags["rpc.method"], m.Tags["rpc.grpc.status_code"], m.Tags["recovery.reason"]))
            .ToList();
        Assert.Equal(
            [
                (1L, Method, "OK", "OK"),
                (1L, Method, "ResourceExhausted", ErrorReasons.HashingSaturated),
                (1L, Method, "Internal", ErrorReasons.Internal),
            ],
            seen.Select(t => (t.Value, (string)t.Item2!, (string)t.Item3!, (string)t.Item4!)));
    }

    [Fact]
    public async Task UnaryServerHandler_HashingSaturated_ResourceExhaustedWithRetryInfo()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw HashingRefusals.Saturated(TimeSpan.FromMilliseconds(1200))));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal(ErrorReasons.HashingSaturated, status.GetDetail<ErrorInfo>()!.Reason);
        // The gate's prediction goes out to the millisecond, not rounded up to whole seconds like a limit's window.
        Assert.Equal(TimeSpan.FromMilliseconds(1200), status.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan());
    }

    [Fact]
    public async Task UnaryServerHandler_HashingDeadline_DeadlineExceeded()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw HashingRefusals.Deadline()));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal(ErrorReasons.DeadlineExceeded, status.GetDetail<ErrorInfo>()!.Reason);
        Assert.Null(status.GetDetail<RetryInfo>());
    }

    [Fact]
    public async Task UnaryServerHandler_StorageUnavailable_UnavailableWithRetryInfoAndNeverTheExceptionsOwnMessage()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw new StorageUnavailableException("Redis did not answer in time.")));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal(ErrorReasons.StorageUnavailable, status.GetDetail<ErrorInfo>()!.Reason);
        Assert.Equal(1, status.GetDetail<RetryInfo>()!.RetryDelay.Seconds);
        Assert.Equal("The shared store is unavailable; the step may or may not have taken effect. Try again shortly.", status.Message);
        Assert.DoesNotContain("Redis", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryServerHandler_OutboxFull_UnavailableOverloadedWithRetryInfo()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw OutboxFull.Exception()));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal(ErrorReasons.Overloaded, status.GetDetail<ErrorInfo>()!.Reason);
        Assert.Equal(1, status.GetDetail<RetryInfo>()!.RetryDelay.Seconds);
        Assert.Equal("Message delivery is saturated; try again shortly.", status.Message);
    }

    [Fact]
    public async Task UnaryServerHandler_FailureException_StatusAndEveryDetailFromTheFailureAlone()
    {
        var failure = new Failure(FailureKind.InvalidArgument, ErrorReasons.CodeIncorrect, "The code is not correct.")
        {
            Violations = [new FieldViolation("code", "Wrong.", "CODE_FORMAT")],
            Metadata = new Dictionary<string, string> { ["attempts_remaining"] = "2" },
            RetryAfter = TimeSpan.FromSeconds(3),
            CustomerMessage = new LocalizedText("en", "Try again."),
        };

        var ex = await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw new FailureException(failure, "a message for the log only")));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(RpcStatusMapper.ToRpcException(failure).GetRpcStatus(), ex.GetRpcStatus());
        var status = ex.GetRpcStatus()!;
        Assert.Equal("2", status.GetDetail<ErrorInfo>()!.Metadata["attempts_remaining"]);
        Assert.Equal("code", Assert.Single(status.GetDetail<BadRequest>()!.FieldViolations).Field);
        Assert.Equal(3, status.GetDetail<RetryInfo>()!.RetryDelay.Seconds);
        Assert.DoesNotContain("log only", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryServerHandler_RpcException_PassesAsIs()
    {
        var thrown = new RpcException(new global::Grpc.Core.Status(StatusCode.Unimplemented, "no"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => Handle(_ => throw thrown));

        Assert.Same(thrown, ex);
    }

    [Fact]
    public async Task UnaryServerHandler_CancelledAfterTheDeadline_DeadlineExceeded()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Handle(_ => throw new OperationCanceledException(), DateTime.UtcNow.AddSeconds(-1)));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(ErrorReasons.DeadlineExceeded, ex.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [Fact]
    public async Task UnaryServerHandler_CancelledByTheCaller_Cancelled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Handler(NullLogger<ErrorMappingInterceptor>.Instance).UnaryServerHandler(
            "request",
            new TestCallContext(Method, cancellationToken: cts.Token),
            (_, _) => Task.FromException<string>(new OperationCanceledException(cts.Token))));

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal(ErrorReasons.Cancelled, ex.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [Fact]
    public async Task UnaryServerHandler_UnexpectedException_InternalWithErrorInfoAndTheLogNamesTheTypeNeverTheMessage()
    {
        // The message of an unexpected exception may echo input (here a PAN): neither the caller nor the log sees it.
        var logger = new FakeLogger<ErrorMappingInterceptor>();
        var interceptor = Handler(logger);

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler(
            "request",
            new TestCallContext(Method),
            (_, _) => Task.FromException<string>(new InvalidOperationException("card 4548812044110335"))));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal(ErrorReasons.Internal, ex.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
        Assert.DoesNotContain("4548812044110335", ex.Status.Detail, StringComparison.Ordinal);
        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Contains(nameof(InvalidOperationException), line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("4548812044110335", line.Message, StringComparison.Ordinal);
        Assert.Null(line.Exception);
    }

    [Fact]
    public async Task UnaryServerHandler_ShedRefusals_OneLogLineASecondWithReasonAndCount()
    {
        var logger = new FakeLogger<ErrorMappingInterceptor>();
        var interceptor = Handler(logger);

        await Refuse(interceptor, new StorageUnavailableException());
        await Refuse(interceptor, OutboxFull.Exception());
        await Refuse(interceptor, HashingRefusals.Saturated(TimeSpan.FromSeconds(1)));
        clock.Advance(TimeSpan.FromSeconds(1));
        await Refuse(interceptor, OutboxFull.Exception());

        var lines = logger.Collector.GetSnapshot().Select(l => l.Message).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains(ErrorReasons.StorageUnavailable, lines[0], StringComparison.Ordinal);
        Assert.Contains("(1 calls shed", lines[0], StringComparison.Ordinal);
        Assert.Contains(ErrorReasons.Overloaded, lines[1], StringComparison.Ordinal);
        Assert.Contains("(3 calls shed", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryServerHandler_RefusalsThatAreNotShedding_NotLogged()
    {
        // A wrong code, a rate limit or a hashing deadline is about the call, not the server's state: the
        // metrics count them, the log stays quiet.
        var logger = new FakeLogger<ErrorMappingInterceptor>();
        var interceptor = Handler(logger);

        await Refuse(interceptor, new FailureException(Failure.Invalid("code", "Wrong.", ErrorReasons.CodeIncorrect)));
        await Refuse(interceptor, new FailureException(new Failure(FailureKind.ResourceExhausted, ErrorReasons.RateLimited, "Too many.") { RetryAfter = TimeSpan.FromSeconds(5) }));
        await Refuse(interceptor, HashingRefusals.Deadline());

        Assert.Empty(logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task UnaryServerHandler_TwoInstances_EachThrottlesItsOwnLog()
    {
        // The throttle is instance state of the DI singleton, not static: another instance (another host in
        // the same process) logs its own first refusal.
        var first = new FakeLogger<ErrorMappingInterceptor>();
        var second = new FakeLogger<ErrorMappingInterceptor>();

        await Refuse(Handler(first), OutboxFull.Exception());
        await Refuse(Handler(second), OutboxFull.Exception());

        Assert.Single(first.Collector.GetSnapshot());
        Assert.Single(second.Collector.GetSnapshot());
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

    private static Task<RpcException> Refuse(ErrorMappingInterceptor interceptor, Exception refusal) =>
        Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler(
            "request", new TestCallContext(Method), (_, _) => Task.FromException<string>(refusal)));

    private ErrorMappingInterceptor Handler(Microsoft.Extensions.Logging.ILogger<ErrorMappingInterceptor> logger) =>
        new(logger, deadline, metrics.Rpc, clock);

    private Task<string> Handle(Func<string, Task<string>> body, DateTime? callDeadline = null) =>
        Handler(NullLogger<ErrorMappingInterceptor>.Instance)
            .UnaryServerHandler("request", new TestCallContext(Method, deadline: callDeadline), (r, _) => body(r));
}
