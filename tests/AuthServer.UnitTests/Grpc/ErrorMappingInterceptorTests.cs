using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class ErrorMappingInterceptorTests
{
    private readonly RequestDeadline deadline = new(TestClock.Create());

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

    private Task<string> Handle(Func<string, Task<string>> body, DateTime? callDeadline = null) =>
        new ErrorMappingInterceptor(NullLogger<ErrorMappingInterceptor>.Instance, deadline)
            .UnaryServerHandler("request", new TestCallContext("/recovery.v1.AccessService/Login", deadline: callDeadline), (r, _) => body(r));
}
