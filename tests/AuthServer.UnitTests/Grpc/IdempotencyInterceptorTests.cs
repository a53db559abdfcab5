using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;
using Recovery.V1;
using OperationState = Recovery.V1.OperationState;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class IdempotencyInterceptorTests
{
    private const string SignMethod = "/recovery.v1.AccessService/SignOperation";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemoryIdempotencyStore store;
    private readonly IdempotencyInterceptor interceptor;

    public IdempotencyInterceptorTests()
    {
        store = new InMemoryIdempotencyStore(time);
        interceptor = new IdempotencyInterceptor(store, TestKeys.Create(), time, Options.Create(new IdempotencyOptions()), NullLogger<IdempotencyInterceptor>.Instance);
    }

    [Fact]
    public async Task UnaryServerHandler_SameKeyWhileTheFirstRuns_AbortedInProgressWithRetryInfoAndNotRun()
    {
        var release = new TaskCompletionSource<SignOperationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Handle(_ => release.Task);
        var runs = 0;

        var ex = await Assert.ThrowsAsync<FailureException>(() => Handle(_ =>
        {
            runs++;
            return Task.FromResult(new SignOperationResponse());
        }));

        Assert.Equal((FailureKind.Aborted, ErrorReasons.IdempotentCallInProgress, TimeSpan.FromSeconds(1)), (ex.Failure.Kind, ex.Failure.Reason, ex.Failure.RetryAfter));
        Assert.Equal(0, runs);
        release.SetResult(new SignOperationResponse { State = OperationState.Signed });
        Assert.Equal(OperationState.Signed, (await first.WaitAsync(TimeSpan.FromSeconds(5))).State);
        Assert.Equal(OperationState.Signed, (await Handle(_ => throw new InvalidOperationException("must not run"))).State);
    }

    [Fact]
    public async Task UnaryServerHandler_AfterTtl_RunsAgain()
    {
        await Handle(_ => Task.FromResult(new SignOperationResponse { State = OperationState.Signed }));
        time.Advance(new IdempotencyOptions().Ttl);

        var again = await Handle(_ => Task.FromResult(new SignOperationResponse { State = OperationState.Cancelled }));

        Assert.Equal(OperationState.Cancelled, again.State);
    }

    [Fact]
    public async Task UnaryServerHandler_CallFails_RetryRunsAgain()
    {
        await Assert.ThrowsAsync<FailureException>(() => Handle(_ => throw new FailureException(Failure.Invalid("code", "Wrong."))));

        Assert.Equal(OperationState.Signed, (await Handle(_ => Task.FromResult(new SignOperationResponse { State = OperationState.Signed }))).State);
    }

    private Task<SignOperationResponse> Handle(Func<SignOperationRequest, Task<SignOperationResponse>> body) =>
        interceptor.UnaryServerHandler(
            new SignOperationRequest { OperationId = "op-1", Code = "123456" },
            new TestCallContext(SignMethod, new Metadata { { IdempotencyInterceptor.Header, "unit-key-0001" } }),
            (r, _) => body(r));
}
