using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;
using Recovery.V1;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class IdempotencyInterceptorTests
{
    // A riding call whose response the interceptor stores after the call (a flow that sends none beside its writes).
    private const string ClaimingMethod = "/recovery.v1.RecoveryService/ConfirmRecovery";
    private const string Signed = "s*****@ebcc.es";
    private const string Cancelled = "c*****@ebcc.es";
    private const string StartMethod = "/recovery.v1.RecoveryService/StartRecovery";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemoryIdempotencyStore store;
    private readonly IdempotencyInterceptor interceptor;
    private readonly ConditionSwitch conditions = new();

    public IdempotencyInterceptorTests()
    {
        store = new InMemoryIdempotencyStore(time);
        interceptor = new IdempotencyInterceptor(store, conditions, TestKeys.Create(), time, Options.Create(new IdempotencyOptions()), NullLogger<IdempotencyInterceptor>.Instance);
    }

    [Fact]
    public async Task UnaryServerHandler_SameKeyWhileTheFirstRuns_AbortedInProgressWithRetryInfoAndNotRun()
    {
        var release = new TaskCompletionSource<ConfirmRecoveryResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Handle(_ => release.Task);
        var runs = 0;

        var ex = await Assert.ThrowsAsync<FailureException>(() => Handle(_ =>
        {
            runs++;
            return Task.FromResult(new ConfirmRecoveryResponse());
        }));

        Assert.Equal((FailureKind.Aborted, ErrorReasons.IdempotentCallInProgress, TimeSpan.FromSeconds(1)), (ex.Failure.Kind, ex.Failure.Reason, ex.Failure.RetryAfter));
        Assert.Equal(0, runs);
        release.SetResult(new ConfirmRecoveryResponse { MaskedEmail = Signed });
        Assert.Equal(Signed, (await first.WaitAsync(TimeSpan.FromSeconds(5))).MaskedEmail);
        Assert.Equal(Signed, (await Handle(_ => throw new InvalidOperationException("must not run"))).MaskedEmail);
    }

    [Fact]
    public async Task UnaryServerHandler_AfterTtl_RunsAgain()
    {
        await Handle(_ => Task.FromResult(new ConfirmRecoveryResponse { MaskedEmail = Signed }));
        time.Advance(new IdempotencyOptions().Ttl);

        var again = await Handle(_ => Task.FromResult(new ConfirmRecoveryResponse { MaskedEmail = Cancelled }));

        Assert.Equal(Cancelled, again.MaskedEmail);
    }

    [Fact]
    public async Task UnaryServerHandler_CallFails_RetryRunsAgain()
    {
        await Assert.ThrowsAsync<FailureException>(() => Handle(_ => throw new FailureException(Failure.Invalid("code", "Wrong."))));

        Assert.Equal(Signed, (await Handle(_ => Task.FromResult(new ConfirmRecoveryResponse { MaskedEmail = Signed }))).MaskedEmail);
    }

    [Fact]
    public async Task UnaryServerHandler_RidingCallOfACompletedKey_StoredResponseAndTheMarkerKept()
    {
        var first = await Ride(owned => owned ? "rec-1" : throw new InvalidOperationException("the first call owns its key"));

        // The flow learns it does not own the key and stops with any failure: the caller gets the claim's answer.
        var retry = await Ride(owned => owned ? "rec-2" : throw new FailureException(IdempotencyClaim.NotOwned));
        var again = await Ride(owned => owned ? "rec-3" : throw new FailureException(IdempotencyClaim.NotOwned));

        Assert.Equal(("rec-1", "rec-1", "rec-1"), (first.RecoveryId, retry.RecoveryId, again.RecoveryId));
    }

    [Fact]
    public async Task UnaryServerHandler_RidingCallFailsAfterSendingItsCompletion_MarkerRemovedAndRetryRuns()
    {
        // The completion rides the writes' step; a write of that step failed, so the call fails and its marker must go.
        await Assert.ThrowsAsync<FailureException>(() => Ride(owned => owned ? "rec-1" : "unexpected", failAfterCompleting: true));

        var retry = await Ride(owned => owned ? "rec-2" : throw new FailureException(IdempotencyClaim.NotOwned));

        Assert.Equal("rec-2", retry.RecoveryId);
    }

    [Fact]
    public async Task UnaryServerHandler_RidingCallOfAKeyInProgress_AbortedInProgress()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Ride(owned => owned ? "rec-1" : "unexpected", beforeCompleting: release.Task);

        var ex = await Assert.ThrowsAsync<FailureException>(() => Ride(owned => owned ? "rec-2" : throw new FailureException(IdempotencyClaim.NotOwned)));

        Assert.Equal(ErrorReasons.IdempotentCallInProgress, ex.Failure.Reason);
        release.SetResult();
        Assert.Equal("rec-1", (await first.WaitAsync(TimeSpan.FromSeconds(5))).RecoveryId);
    }

    [Fact]
    public async Task UnaryServerHandler_RetryOfAResponseStoredUnderAConditionThatHolds_StoredResponseAndNotRun()
    {
        conditions.Holding.Add("applied:rec-1");
        await Ride(owned => owned ? "rec-1" : "unexpected", condition: "applied:rec-1");

        var retry = await Ride(owned => owned ? "rec-2" : throw new FailureException(IdempotencyClaim.NotOwned));

        Assert.Equal("rec-1", retry.RecoveryId);
        Assert.Equal(["applied:rec-1"], conditions.Checked);
    }

    [Fact]
    public async Task UnaryServerHandler_RetryOfAResponseStoredUnderAConditionThatDoesNotHold_InProgressUntilItHoldsNeverTheResponse()
    {
        // The first call sent its response under a condition and ended without failing (it still runs, or died before its
        // failure removed the marker): a retry is never answered the response while the condition does not hold.
        await Ride(owned => owned ? "rec-1" : "unexpected", condition: "applied:rec-1");
        var runs = 0;

        var ex = await Assert.ThrowsAsync<FailureException>(() => Ride(owned => owned ? $"rec-{++runs}" : throw new FailureException(IdempotencyClaim.NotOwned)));
        conditions.Holding.Add("applied:rec-1");
        var later = await Ride(owned => owned ? $"rec-{++runs}" : throw new FailureException(IdempotencyClaim.NotOwned));

        Assert.Equal(ErrorReasons.IdempotentCallInProgress, ex.Failure.Reason);
        Assert.Equal(("rec-1", 0), (later.RecoveryId, runs));
    }

    [Fact]
    public async Task UnaryServerHandler_CallFailsAfterItsConditionalCompletion_MarkerRemovedAndRetryRuns()
    {
        // A commit that did not apply: the call fails, and its marker (holding the conditional response) goes.
        await Assert.ThrowsAsync<FailureException>(() => Ride(owned => owned ? "rec-1" : "unexpected", failAfterCompleting: true, condition: "applied:rec-1"));

        var retry = await Ride(owned => owned ? "rec-2" : throw new FailureException(IdempotencyClaim.NotOwned));

        Assert.Equal("rec-2", retry.RecoveryId);
        Assert.Empty(conditions.Checked);
    }

    // A StartRecovery whose flow rides the claim: sends it, learns whether it owns the key, then (when it does) sends the
    // response beside its "writes" as RecoveryFlow does.
    private Task<StartRecoveryResponse> Ride(Func<bool, string> run, bool failAfterCompleting = false, Task? beforeCompleting = null, string? condition = null) =>
        interceptor.UnaryServerHandler(
            new StartRecoveryRequest { CardNumber = "4111111111111111", CardExpiry = "12/29", DocumentId = "12345678Z", CaptchaToken = "dev" },
            new TestCallContext(StartMethod, new Metadata { { IdempotencyInterceptor.Header, "unit-key-0002" } }),
            async (_, context) =>
            {
                var rider = IdempotencyInterceptor.RiderOf<RecoveryStarted>(context, s => new StartRecoveryResponse { RecoveryId = s.RecoveryId })!;
                rider.Send();
                var owned = await rider.OwnsKeyAsync();
                var started = new RecoveryStarted(run(owned), time.GetUtcNow(), time.GetUtcNow(), 3);
                if (beforeCompleting is not null)
                {
                    await beforeCompleting;
                }

                await (condition is null ? rider.CompleteBeside(started) : rider.CompleteBesideIf(started, condition));
                if (failAfterCompleting)
                {
                    throw new FailureException(new Failure(FailureKind.Unavailable, ErrorReasons.StorageUnavailable, "A write of the step failed."));
                }

                return new StartRecoveryResponse { RecoveryId = started.RecoveryId };
            });

    private Task<ConfirmRecoveryResponse> Handle(Func<ConfirmRecoveryRequest, Task<ConfirmRecoveryResponse>> body) =>
        interceptor.UnaryServerHandler(
            new ConfirmRecoveryRequest { RecoveryId = "rec-1", Code = "123456" },
            new TestCallContext(ClaimingMethod, new Metadata { { IdempotencyInterceptor.Header, "unit-key-0001" } }),
            async (r, context) =>
            {
                // The flow sends the claim, and runs only if it owns the key; it sends no response of its own.
                var rider = IdempotencyInterceptor.RiderOf<ConfirmRecoveryResponse>(context, response => response)!;
                rider.Send();
                if (!await rider.OwnsKeyAsync())
                {
                    throw new FailureException(IdempotencyClaim.NotOwned);
                }

                return await body(r);
            });

    // The conditions that hold, as a flow's check would say, and those that were asked.
    private sealed class ConditionSwitch : IIdempotencyConditionCheck
    {
        public HashSet<string> Holding { get; } = [];

        public List<string> Checked { get; } = [];

        public Task<bool> HoldsAsync(string condition, CancellationToken cancellationToken)
        {
            Checked.Add(condition);
            return Task.FromResult(Holding.Contains(condition));
        }
    }
}
