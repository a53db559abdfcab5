using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.SharedTests.Operations;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="IOperationStore"/> must do, run against each provider.</summary>
public abstract class OperationStoreContract
{
    protected const string Reference = "23522111";
    protected static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private static readonly byte[] OldMac = [1, 2, 3];
    private static readonly byte[] NewMac = [4, 5, 6];
    private static readonly ChallengeLimits Limits = ChallengeLimits.From(new OtpOptions());

    private readonly CancellationToken ct = CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    protected abstract IOperationStore CreateStore(TimeProvider time);

    /// <summary>The challenge store the operation store's code steps (close, reissue) work on.</summary>
    protected abstract IChallengeStore CreateChallengeStore(TimeProvider time);

    /// <summary>An operation's challenge id as OperationLifecycle names it: in the operation's group.</summary>
    protected static string ChallengeId(string operationId) => OperationLifecycle.ChallengeId(operationId);

    protected Challenge ChallengeOf(string operationId, ChallengeState state = ChallengeState.Active) =>
        ChallengeRules.Issue(ChallengeId(operationId), OldMac, Time.GetUtcNow(), Limits) with { State = state };

    protected OperationRecord Operation(string id, string reference = Reference) =>
        PendingOperation.Of(id, reference, Time.GetUtcNow(), Time.GetUtcNow() + Lifetime);

    [Fact]
    public async Task TryCreateAsync_FreeReference_StoredAndFoundByIdAndReference()
    {
        var store = CreateStore(Time);
        var op = Operation("op-1");

        Assert.True(await store.TryCreateAsync(op, ct).Timeout());
        Assert.Equal(op, await store.GetAsync("op-1", ct).Timeout());
        Assert.Equal(op, await store.FindByReferenceAsync(Reference, ct).Timeout());
    }

    [Fact]
    public async Task GetAndFind_Unknown_Null()
    {
        var store = CreateStore(Time);

        Assert.Null(await store.GetAsync("nope", ct).Timeout());
        Assert.Null(await store.FindByReferenceAsync("99999999", ct).Timeout());
    }

    [Fact]
    public async Task TryCreateAsync_ReferenceOfAPendingOperation_RefusedAndNothingStored()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        Time.Advance(Lifetime - TimeSpan.FromSeconds(1));

        Assert.False(await store.TryCreateAsync(Operation("op-2"), ct).Timeout());
        Assert.Null(await store.GetAsync("op-2", ct).Timeout());
        Assert.Equal("op-1", (await store.FindByReferenceAsync(Reference, ct).Timeout())!.Id);
    }

    [Theory]
    [InlineData(OperationState.Signed)]
    [InlineData(OperationState.Cancelled)]
    [InlineData(OperationState.Expired)]
    public async Task TryCreateAsync_ReferenceOfACompletedOperation_Reused(OperationState state)
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        await store.TryCompleteAsync("op-1", state, ct).Timeout();

        Assert.True(await store.TryCreateAsync(Operation("op-2"), ct).Timeout());
        Assert.Equal("op-2", (await store.FindByReferenceAsync(Reference, ct).Timeout())!.Id);
        Assert.Equal(state, (await store.GetAsync("op-1", ct).Timeout())!.State);
    }

    [Fact]
    public async Task TryCreateAsync_ReferenceOfAnOperationPastItsExpiry_Reused()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        Time.Advance(Lifetime);

        Assert.True(await store.TryCreateAsync(Operation("op-2"), ct).Timeout());
        Assert.Equal("op-2", (await store.FindByReferenceAsync(Reference, ct).Timeout())!.Id);
    }

    [Fact]
    public async Task TryReserveReferenceAsync_FreeReference_HeldAgainstOthersAndLeadsToNoOperationUntilWritten()
    {
        var store = CreateStore(Time);
        var op = Operation("op-1");

        Assert.True(await store.TryReserveReferenceAsync(Reference, "op-1", op.ExpiresAt, ct).Timeout());

        Assert.Null(await store.FindByReferenceAsync(Reference, ct).Timeout());
        Assert.False(await store.TryCreateAsync(Operation("op-2"), ct).Timeout());
        Assert.False(await store.TryReserveReferenceAsync(Reference, "op-2", op.ExpiresAt, ct).Timeout());
        Assert.Null(await store.GetAsync("op-2", ct).Timeout());

        await store.CreateReservedAsync(op, ct).Timeout();

        Assert.Equal(op, await store.GetAsync("op-1", ct).Timeout());
        Assert.Equal(op, await store.FindByReferenceAsync(Reference, ct).Timeout());
    }

    [Fact]
    public async Task TryReserveReferenceAsync_SameHolderAgain_StillItsOwn()
    {
        var store = CreateStore(Time);
        Assert.True(await store.TryReserveReferenceAsync(Reference, "op-1", Time.GetUtcNow() + Lifetime, ct).Timeout());

        Assert.True(await store.TryReserveReferenceAsync(Reference, "op-1", Time.GetUtcNow() + Lifetime, ct).Timeout());
        Assert.True(await store.TryCreateAsync(Operation("op-1"), ct).Timeout());
        Assert.False(await store.TryReserveReferenceAsync(Reference, "op-2", Time.GetUtcNow() + Lifetime, ct).Timeout());
    }

    [Fact]
    public async Task TryReserveReferenceAsync_ReservationPastItsExpiry_Reused()
    {
        var store = CreateStore(Time);
        await store.TryReserveReferenceAsync(Reference, "op-1", Time.GetUtcNow() + Lifetime, ct).Timeout();
        Time.Advance(Lifetime - TimeSpan.FromSeconds(1));
        Assert.False(await store.TryCreateAsync(Operation("op-2"), ct).Timeout());
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await store.TryCreateAsync(Operation("op-3"), ct).Timeout());
        Assert.Equal("op-3", (await store.FindByReferenceAsync(Reference, ct).Timeout())!.Id);
    }

    [Fact]
    public async Task ReleaseReferenceAsync_ItsHolder_FreeAtOnce()
    {
        var store = CreateStore(Time);
        await store.TryReserveReferenceAsync(Reference, "op-1", Time.GetUtcNow() + Lifetime, ct).Timeout();

        await store.ReleaseReferenceAsync(Reference, "op-1", ct).Timeout();

        Assert.True(await store.TryCreateAsync(Operation("op-2"), ct).Timeout());
        Assert.Equal("op-2", (await store.FindByReferenceAsync(Reference, ct).Timeout())!.Id);
    }

    [Fact]
    public async Task ReleaseReferenceAsync_NotItsHolder_ChangesNothing()
    {
        var store = CreateStore(Time);
        var op = Operation("op-1");
        await store.TryCreateAsync(op, ct).Timeout();

        await store.ReleaseReferenceAsync(Reference, "op-2", ct).Timeout();

        Assert.False(await store.TryCreateAsync(Operation("op-3"), ct).Timeout());
        Assert.Null(await store.GetAsync("op-3", ct).Timeout());
        Assert.Equal(op, await store.FindByReferenceAsync(Reference, ct).Timeout());
    }

    [Fact]
    public async Task TryReserveReferenceAsync_50ParallelWithOneReference_ExactlyOneWins()
    {
        var store = CreateStore(Time);
        await store.GetAsync("warm-up", ct).Timeout(); // connect once before the race, not 50 times inside it

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => store.TryReserveReferenceAsync(Reference, "op-" + i, Time.GetUtcNow() + Lifetime, ct).Timeout()))).Timeout();

        var winner = Assert.Single(Enumerable.Range(0, 50), i => results[i]);
        await store.CreateReservedAsync(Operation("op-" + winner), ct).Timeout();
        Assert.Equal("op-" + winner, (await store.FindByReferenceAsync(Reference, ct).Timeout())!.Id);
    }

    [Fact]
    public async Task TryCompleteAsync_OnlyFromPending()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();

        Assert.True(await store.TryCompleteAsync("op-1", OperationState.Signed, ct).Timeout());
        Assert.False(await store.TryCompleteAsync("op-1", OperationState.Cancelled, ct).Timeout());
        Assert.False(await store.TryCompleteAsync("nope", OperationState.Cancelled, ct).Timeout());
        Assert.Equal(OperationState.Signed, (await store.GetAsync("op-1", ct).Timeout())!.State);
    }

    [Fact]
    public async Task TryCreateAsync_50ParallelWithOneReference_ExactlyOneWins()
    {
        var store = CreateStore(Time);
        await store.GetAsync("warm-up", ct).Timeout(); // connect once before the race, not 50 times inside it

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => store.TryCreateAsync(Operation("op-" + i), ct).Timeout()))).Timeout();

        var winner = Assert.Single(Enumerable.Range(0, 50), i => results[i]);
        Assert.Equal("op-" + winner, (await store.FindByReferenceAsync(Reference, ct).Timeout())!.Id);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(i == winner, await store.GetAsync("op-" + i, ct).Timeout() is not null);
        }
    }

    [Fact]
    public async Task TryCompleteAsync_50ParallelDifferentStates_ExactlyOneWins()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        var states = new[] { OperationState.Signed, OperationState.Cancelled, OperationState.Expired };

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => store.TryCompleteAsync("op-1", states[i % 3], ct).Timeout()))).Timeout();

        var winner = Assert.Single(Enumerable.Range(0, 50), i => results[i]);
        Assert.Equal(states[winner % 3], (await store.GetAsync("op-1", ct).Timeout())!.State);
    }

    [Fact]
    public async Task TryTakeCardCheckAsync_TakesUpToMaxThenExhaustedAndTheRecordCountsThem()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();

        Assert.Equal(new CardCheckTake(CardCheckTakeStatus.Taken, 1), await store.TryTakeCardCheckAsync("op-1", 3, ct).Timeout());
        Assert.Equal(1, (await store.GetAsync("op-1", ct).Timeout())!.CardChecksUsed);
        Assert.Equal(new CardCheckTake(CardCheckTakeStatus.Taken, 2), await store.TryTakeCardCheckAsync("op-1", 3, ct).Timeout());
        Assert.Equal(new CardCheckTake(CardCheckTakeStatus.Taken, 3), await store.TryTakeCardCheckAsync("op-1", 3, ct).Timeout());
        Assert.Equal(new CardCheckTake(CardCheckTakeStatus.Exhausted, 3), await store.TryTakeCardCheckAsync("op-1", 3, ct).Timeout());
        Assert.Equal(3, (await store.FindByReferenceAsync(Reference, ct).Timeout())!.CardChecksUsed);
        Assert.Equal(CardCheckTakeStatus.NotFound, (await store.TryTakeCardCheckAsync("nope", 3, ct).Timeout()).Status);
    }

    [Fact]
    public async Task CloseCodeAndCompleteAsync_ActiveCode_ClosedCompletedAndTheReferenceFree()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        await CreateChallengeStore(Time).CreateAsync(ChallengeOf("op-1"), ct).Timeout();

        Assert.Equal(new CodeClosure(Closed: true, Completed: true), await store.CloseCodeAndCompleteAsync("op-1", ChallengeId("op-1"), OperationState.Cancelled, ct).Timeout());

        Assert.Equal(OperationState.Cancelled, (await store.GetAsync("op-1", ct).Timeout())!.State);
        Assert.Equal(ChallengeState.Closed, (await CreateChallengeStore(Time).GetAsync(ChallengeId("op-1"), ct).Timeout())!.State);
        Assert.True(await store.TryCreateAsync(Operation("op-2"), ct).Timeout());
    }

    [Fact]
    public async Task CloseCodeAndCompleteAsync_WithoutReleasingTheReference_CompletedAndTheReferenceHeldUntilTheOperationsExpiry()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        await CreateChallengeStore(Time).CreateAsync(ChallengeOf("op-1"), ct).Timeout();

        Assert.Equal(
            new CodeClosure(Closed: true, Completed: true),
            await store.CloseCodeAndCompleteAsync("op-1", ChallengeId("op-1"), OperationState.Expired, ct, releaseReference: false).Timeout());

        Assert.Equal(OperationState.Expired, (await store.GetAsync("op-1", ct).Timeout())!.State);
        Assert.Equal(ChallengeState.Closed, (await CreateChallengeStore(Time).GetAsync(ChallengeId("op-1"), ct).Timeout())!.State);
        // Still held (and still leading to the ended operation) until the operation's own end, then free.
        Assert.False(await store.TryCreateAsync(Operation("op-2"), ct).Timeout());
        Assert.Equal("op-1", (await store.FindByReferenceAsync(Reference, ct).Timeout())!.Id);
        Time.Advance(Lifetime);
        Assert.True(await store.TryCreateAsync(Operation("op-3"), ct).Timeout());
    }

    [Fact]
    public async Task CloseCodeAndCompleteAsync_CodeAlreadyUsed_NeitherClosedNorCompleted()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        await CreateChallengeStore(Time).CreateAsync(ChallengeOf("op-1", ChallengeState.Used), ct).Timeout();

        Assert.Equal(new CodeClosure(Closed: false, Completed: false), await store.CloseCodeAndCompleteAsync("op-1", ChallengeId("op-1"), OperationState.Cancelled, ct).Timeout());

        Assert.Equal(OperationState.Pending, (await store.GetAsync("op-1", ct).Timeout())!.State);
        Assert.Equal(ChallengeState.Used, (await CreateChallengeStore(Time).GetAsync(ChallengeId("op-1"), ct).Timeout())!.State);
        Assert.False(await store.TryCreateAsync(Operation("op-2"), ct).Timeout());
    }

    [Fact]
    public async Task CloseCodeAndCompleteAsync_OperationNoLongerPending_ClosedNotCompleted()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        await CreateChallengeStore(Time).CreateAsync(ChallengeOf("op-1"), ct).Timeout();
        await store.TryCompleteAsync("op-1", OperationState.Expired, ct).Timeout();

        Assert.Equal(new CodeClosure(Closed: true, Completed: false), await store.CloseCodeAndCompleteAsync("op-1", ChallengeId("op-1"), OperationState.Cancelled, ct).Timeout());

        Assert.Equal(OperationState.Expired, (await store.GetAsync("op-1", ct).Timeout())!.State);
    }

    [Fact]
    public async Task TryTakeCardCheckAndReissueAsync_WithAReissue_CheckTakenAndTheCodeReissued()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        await CreateChallengeStore(Time).CreateAsync(ChallengeOf("op-1"), ct).Timeout();
        Time.Advance(TimeSpan.FromMinutes(1));

        var (take, reissue) = await store.TryTakeCardCheckAndReissueAsync("op-1", 3, ChallengeId("op-1"), new ChallengeReissue(NewMac, Time.GetUtcNow(), Limits), ct).Timeout();

        Assert.Equal(new CardCheckTake(CardCheckTakeStatus.Taken, 1), take);
        Assert.Equal(ReissueStatus.Reissued, reissue!.Value.Status);
        Assert.Equal(1, reissue.Value.Challenge!.Resends);
        Assert.Equal(NewMac, (await CreateChallengeStore(Time).GetAsync(ChallengeId("op-1"), ct).Timeout())!.CodeMac);
        Assert.Equal(1, (await store.GetAsync("op-1", ct).Timeout())!.CardChecksUsed);
    }

    [Fact]
    public async Task TryTakeCardCheckAndReissueAsync_WithoutAReissue_CheckTakenAndTheCodeUnchanged()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        await CreateChallengeStore(Time).CreateAsync(ChallengeOf("op-1"), ct).Timeout();
        Time.Advance(TimeSpan.FromMinutes(1));

        var (take, reissue) = await store.TryTakeCardCheckAndReissueAsync("op-1", 3, ChallengeId("op-1"), null, ct).Timeout();

        Assert.Equal(new CardCheckTake(CardCheckTakeStatus.Taken, 1), take);
        Assert.Null(reissue);
        Assert.Equal(OldMac, (await CreateChallengeStore(Time).GetAsync(ChallengeId("op-1"), ct).Timeout())!.CodeMac);
    }

    [Fact]
    public async Task TryTakeCardCheckAndReissueAsync_ChecksExhausted_NoCodeReissued()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        await CreateChallengeStore(Time).CreateAsync(ChallengeOf("op-1"), ct).Timeout();
        await store.TryTakeCardCheckAsync("op-1", 1, ct).Timeout();
        Time.Advance(TimeSpan.FromMinutes(1));

        var (take, reissue) = await store.TryTakeCardCheckAndReissueAsync("op-1", 1, ChallengeId("op-1"), new ChallengeReissue(NewMac, Time.GetUtcNow(), Limits), ct).Timeout();

        Assert.Equal(new CardCheckTake(CardCheckTakeStatus.Exhausted, 1), take);
        Assert.Null(reissue);
        var challenge = (await CreateChallengeStore(Time).GetAsync(ChallengeId("op-1"), ct).Timeout())!;
        Assert.Equal(OldMac, challenge.CodeMac);
        Assert.Equal(0, challenge.Resends);
    }

    [Fact]
    public async Task TryTakeCardCheckAndReissueAsync_ReissueTooSoon_CheckTakenAndTheRefusalAnswered()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();
        await CreateChallengeStore(Time).CreateAsync(ChallengeOf("op-1"), ct).Timeout();

        var (take, reissue) = await store.TryTakeCardCheckAndReissueAsync("op-1", 3, ChallengeId("op-1"), new ChallengeReissue(NewMac, Time.GetUtcNow(), Limits), ct).Timeout();

        Assert.Equal(CardCheckTakeStatus.Taken, take.Status);
        Assert.Equal(ReissueStatus.TooSoon, reissue!.Value.Status);
        Assert.Equal(OldMac, (await CreateChallengeStore(Time).GetAsync(ChallengeId("op-1"), ct).Timeout())!.CodeMac);
    }

    [Fact]
    public async Task TryTakeCardCheckAsync_50Parallel_ExactlyMaxTaken()
    {
        var store = CreateStore(Time);
        await store.TryCreateAsync(Operation("op-1"), ct).Timeout();

        var takes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => store.TryTakeCardCheckAsync("op-1", 3, ct).Timeout()))).Timeout();

        Assert.Equal(3, takes.Count(t => t.Status == CardCheckTakeStatus.Taken));
        Assert.Equal([1, 2, 3], takes.Where(t => t.Status == CardCheckTakeStatus.Taken).Select(t => t.Used).Order());
        Assert.Equal(3, (await store.GetAsync("op-1", ct).Timeout())!.CardChecksUsed);
    }
}
