using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class AdmissionInterceptorTests
{
    private const string Start = "/recovery.v1.RecoveryService/StartRecovery";

    private readonly AdmissionGate gate = new(Options.Create(new AdmissionOptions { MaxInFlight = 2 }));

    [Fact]
    public async Task UnaryServerHandler_BeyondMaxInFlight_OverloadedAtOnceWithoutRunningThenAdmittedOnceAPlaceFrees()
    {
        var interceptor = new AdmissionInterceptor(gate);
        var hold = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Handle(interceptor, Start, () => hold.Task);
        var second = Handle(interceptor, Start, () => hold.Task);
        var ran = false;

        var refused = await Assert.ThrowsAsync<FailureException>(() => Handle(interceptor, Start, () => { ran = true; return Task.FromResult("third"); }));

        Assert.Equal((FailureKind.Unavailable, ErrorReasons.Overloaded, TimeSpan.FromSeconds(1)), (refused.Failure.Kind, refused.Failure.Reason, refused.Failure.RetryAfter));
        Assert.False(ran);
        Assert.Equal(2, gate.InFlight);

        hold.SetResult("done");
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, gate.InFlight);
        Assert.Equal("again", await Handle(interceptor, Start, () => Task.FromResult("again")));
    }

    [Fact]
    public async Task UnaryServerHandler_HealthWhileFull_StillAnswered()
    {
        var interceptor = new AdmissionInterceptor(gate);
        Assert.True(gate.TryEnter());
        Assert.True(gate.TryEnter());

        Assert.Equal("SERVING", await Handle(interceptor, "/grpc.health.v1.Health/Check", () => Task.FromResult("SERVING")));
        Assert.Equal(2, gate.InFlight);
    }

    [Fact]
    public async Task UnaryServerHandler_CallThatThrows_GivesItsPlaceBack()
    {
        var interceptor = new AdmissionInterceptor(gate);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Handle(interceptor, Start, () => throw new InvalidOperationException("bug")));

        Assert.Equal(0, gate.InFlight);
    }

    private static Task<string> Handle(AdmissionInterceptor interceptor, string method, Func<Task<string>> body) =>
        interceptor.UnaryServerHandler("request", new TestCallContext(method), (_, _) => body());
}
