using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="IChallengeStore"/> must do, run against each provider.</summary>
public abstract class ChallengeStoreContract
{
    protected static readonly ChallengeLimits Limits = new(3, 5, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), 3);
    private static readonly byte[] Mac = Enumerable.Repeat((byte)7, 32).ToArray();
    private static readonly byte[] OtherMac = Enumerable.Repeat((byte)9, 32).ToArray();

    private readonly CancellationToken ct = CancellationToken.None;

    protected ChallengeStoreContract()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    }

    protected FakeTimeProvider Time { get; }

    protected abstract IChallengeStore CreateStore(TimeProvider time);

    protected Challenge NewChallenge(string id) => new()
    {
        Id = id,
        CodeMac = Mac,
        ExpiresAt = Time.GetUtcNow() + Limits.Lifetime,
        ResendAvailableAt = Time.GetUtcNow() + Limits.ResendCooldown,
    };

    [Fact]
    public async Task CreateAsync_ThenGet_ReturnsWhatWasStored()
    {
        var store = CreateStore(Time);
        var challenge = NewChallenge("a") with { Resends = 1, CodeFailures = 2, TotalFailures = 3, State = ChallengeState.Burned };

        await store.CreateAsync(challenge, ct).Timeout();

        var read = (await store.GetAsync("a", ct).Timeout())!;
        Assert.Equal(challenge.CodeMac, read.CodeMac);
        Assert.Equal(challenge with { CodeMac = read.CodeMac }, read);
    }

    [Fact]
    public async Task GetAsync_UnknownId_Null()
    {
        Assert.Null(await CreateStore(Time).GetAsync("nope", ct).Timeout());
    }

    [Fact]
    public async Task CreateAsync_SameIdTwice_ThrowsAndKeepsTheFirst()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateAsync(NewChallenge("a") with { CodeMac = OtherMac }, ct).Timeout());
        Assert.Equal(Mac, (await store.GetAsync("a", ct).Timeout())!.CodeMac);
    }

    [Fact]
    public async Task VerifyAsync_RightCode_VerifiedOnceThenAlreadyUsed()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();

        Assert.Equal(VerifyStatus.Verified, (await Verify(store, "a", Mac)).Status);
        Assert.Equal(VerifyStatus.AlreadyUsed, (await Verify(store, "a", Mac)).Status);
        Assert.Equal(ChallengeState.Used, (await store.GetAsync("a", ct).Timeout())!.State);
    }

    [Fact]
    public async Task VerifyAsync_UnknownId_NotFound()
    {
        Assert.Equal(VerifyStatus.NotFound, (await Verify(CreateStore(Time), "nope", Mac)).Status);
    }

    [Fact]
    public async Task VerifyAsync_WrongCodes_CountDownThenBurnTheCode()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();

        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 2, Counted: true), await Verify(store, "a", OtherMac));
        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 1, Counted: true), await Verify(store, "a", OtherMac));
        Assert.Equal(new VerifyResult(VerifyStatus.Burned, Counted: true), await Verify(store, "a", OtherMac));

        // A burned code is dead even when right, and a try at it counts nothing more.
        Assert.Equal(new VerifyResult(VerifyStatus.Burned), await Verify(store, "a", Mac));
        var c = (await store.GetAsync("a", ct).Timeout())!;
        Assert.Equal((3, 3, ChallengeState.Burned), (c.CodeFailures, c.TotalFailures, c.State));
    }

    [Fact]
    public async Task VerifyAsync_MacOfDifferentLength_IncorrectNotAnException()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();

        Assert.Equal(VerifyStatus.Incorrect, (await Verify(store, "a", [1, 2, 3])).Status);
    }

    [Fact]
    public async Task VerifyAsync_AfterExpiry_ExpiredAndNothingCounted()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();
        Time.Advance(Limits.Lifetime);

        Assert.Equal(VerifyStatus.Expired, (await Verify(store, "a", Mac)).Status);
        Assert.Equal(0, (await store.GetAsync("a", ct).Timeout())!.TotalFailures);
    }

    [Fact]
    public async Task VerifyAsync_CountWhileInactive_ExpiredCodeStillCountsTowardTheTotal()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();
        Time.Advance(Limits.Lifetime);

        var result = await Verify(store, "a", Mac, countWhileInactive: true);

        // Even the right SMS code cannot win once expired; the try is limited like any other.
        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, Limits.MaxTotalFailures - 1, Counted: true), result);
        var c = (await store.GetAsync("a", ct).Timeout())!;
        Assert.Equal((0, 1, ChallengeState.Active), (c.CodeFailures, c.TotalFailures, c.State));
    }

    [Fact]
    public async Task VerifyAsync_TotalFailureLimitOverResends_ClosesOnceWithJustClosed()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();
        for (var i = 0; i < 3; i++)
        {
            await Verify(store, "a", OtherMac);
        }

        Time.Advance(Limits.ResendCooldown);
        Assert.Equal(ReissueStatus.Reissued, (await store.ReissueAsync("a", Mac, Time.GetUtcNow(), Limits, ct).Timeout()).Status);

        // The new code has 3 tries of its own but the challenge only 2 more failures: after this one, 1 is
        // left, and that is what the customer is told (it once said 2, then closed on the next try).
        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 1, Counted: true), await Verify(store, "a", OtherMac));
        Assert.Equal(new VerifyResult(VerifyStatus.Closed, 0, JustClosed: true, Counted: true), await Verify(store, "a", OtherMac));
        Assert.Equal(new VerifyResult(VerifyStatus.Closed), await Verify(store, "a", Mac));
        Assert.Equal(5, (await store.GetAsync("a", ct).Timeout())!.TotalFailures);
    }

    [Fact]
    public async Task ReissueAsync_BeforeCooldown_TooSoonAndCodeUnchanged()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();

        var result = await store.ReissueAsync("a", OtherMac, Time.GetUtcNow(), Limits, ct).Timeout();

        Assert.Equal(ReissueStatus.TooSoon, result.Status);
        Assert.Equal(Mac, (await store.GetAsync("a", ct).Timeout())!.CodeMac);
        Assert.Equal(VerifyStatus.Verified, (await Verify(store, "a", Mac)).Status);
    }

    [Fact]
    public async Task ReissueAsync_AfterCooldown_NewCodeKeepsTotalFailuresResetsCodeFailures()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();
        await Verify(store, "a", OtherMac);
        Time.Advance(Limits.ResendCooldown);

        var result = await store.ReissueAsync("a", OtherMac, Time.GetUtcNow(), Limits, ct).Timeout();

        Assert.Equal(ReissueStatus.Reissued, result.Status);
        var c = result.Challenge!;
        Assert.Equal((1, 0, 1, ChallengeState.Active), (c.Resends, c.CodeFailures, c.TotalFailures, c.State));
        Assert.Equal(Time.GetUtcNow() + Limits.Lifetime, c.ExpiresAt);
        Assert.Equal(Time.GetUtcNow() + Limits.ResendCooldown, c.ResendAvailableAt);
        Assert.Equal(OtherMac, c.CodeMac);
        Assert.Equal(VerifyStatus.Incorrect, (await Verify(store, "a", Mac)).Status);
        Assert.Equal(VerifyStatus.Verified, (await Verify(store, "a", OtherMac)).Status);
    }

    [Fact]
    public async Task ReissueAsync_EscalatingCooldown_EachResendWaitsTwiceAsLong()
    {
        var store = CreateStore(Time);
        var escalating = Limits with { ResendCooldownGrowth = 2 };
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();
        Time.Advance(TimeSpan.FromSeconds(30));

        var first = await store.ReissueAsync("a", OtherMac, Time.GetUtcNow(), escalating, ct).Timeout();
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(60), first.Challenge!.ResendAvailableAt);
        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(ReissueStatus.TooSoon, (await store.ReissueAsync("a", Mac, Time.GetUtcNow(), escalating, ct).Timeout()).Status);
        Time.Advance(TimeSpan.FromSeconds(1));

        var second = await store.ReissueAsync("a", Mac, Time.GetUtcNow(), escalating, ct).Timeout();
        Assert.Equal(ReissueStatus.Reissued, second.Status);
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(120), second.Challenge!.ResendAvailableAt);
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(120), (await store.GetAsync("a", ct).Timeout())!.ResendAvailableAt);
    }

    [Fact]
    public async Task ReissueAsync_ResendsUsedUp_LimitReached()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();
        for (var i = 0; i < Limits.MaxResends; i++)
        {
            Time.Advance(Limits.ResendCooldown);
            Assert.Equal(ReissueStatus.Reissued, (await store.ReissueAsync("a", Mac, Time.GetUtcNow(), Limits, ct).Timeout()).Status);
        }

        Time.Advance(Limits.ResendCooldown);
        var result = await store.ReissueAsync("a", OtherMac, Time.GetUtcNow(), Limits, ct).Timeout();

        Assert.Equal(ReissueStatus.LimitReached, result.Status);
        Assert.Equal(Mac, (await store.GetAsync("a", ct).Timeout())!.CodeMac);
    }

    [Fact]
    public async Task ReissueAsync_UsedOrUnknown_NotActiveOrNotFound()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();
        await Verify(store, "a", Mac);
        Time.Advance(Limits.ResendCooldown);

        Assert.Equal(ReissueStatus.NotActive, (await store.ReissueAsync("a", OtherMac, Time.GetUtcNow(), Limits, ct).Timeout()).Status);
        Assert.Equal(ReissueStatus.NotFound, (await store.ReissueAsync("nope", OtherMac, Time.GetUtcNow(), Limits, ct).Timeout()).Status);
    }

    [Fact]
    public async Task CloseAsync_Active_ClosedAndNothingAcceptedAfter()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();

        Assert.True(await store.CloseAsync("a", ct).Timeout());
        Assert.Equal(new VerifyResult(VerifyStatus.Closed), await Verify(store, "a", Mac));
        Assert.Equal(VerifyStatus.Closed, (await store.AcceptOtherFactorAsync("a", ct).Timeout()).Status);
    }

    [Fact]
    public async Task CloseAsync_AlreadyUsed_FalseAndStaysUsed()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();
        await Verify(store, "a", Mac);

        Assert.False(await store.CloseAsync("a", ct).Timeout());
        Assert.Equal(ChallengeState.Used, (await store.GetAsync("a", ct).Timeout())!.State);
    }

    [Fact]
    public async Task CloseAsync_UnknownId_True()
    {
        Assert.True(await CreateStore(Time).CloseAsync("nope", ct).Timeout());
    }

    [Fact]
    public async Task AcceptOtherFactorAsync_ExpiredCode_VerifiedThenSmsCodeAlreadyUsed()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();
        Time.Advance(Limits.Lifetime);

        Assert.Equal(VerifyStatus.Verified, (await store.AcceptOtherFactorAsync("a", ct).Timeout()).Status);
        Assert.Equal(VerifyStatus.AlreadyUsed, (await store.AcceptOtherFactorAsync("a", ct).Timeout()).Status);
        Assert.Equal(VerifyStatus.AlreadyUsed, (await Verify(store, "a", Mac)).Status);
        Assert.Equal(VerifyStatus.NotFound, (await store.AcceptOtherFactorAsync("nope", ct).Timeout()).Status);
    }

    [Fact]
    public async Task VerifyAsync_50ParallelRightCodes_ExactlyOneVerified()
    {
        var store = CreateStore(Time);
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Verify(store, "a", Mac)))).Timeout();

        Assert.Single(results, r => r.Status == VerifyStatus.Verified);
        Assert.Equal(49, results.Count(r => r.Status == VerifyStatus.AlreadyUsed));
    }

    [Fact]
    public async Task VerifyAsync_200ParallelWrongCodes_ExactlyTheLimitCountedAndClosedOnce()
    {
        var store = CreateStore(Time);
        var limits = Limits with { MaxTotalFailures = 10 };
        await store.CreateAsync(NewChallenge("a"), ct).Timeout();

        // Counting while inactive, so tries after the code burns still count toward the total.
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() =>
            store.VerifyAsync("a", OtherMac, Time.GetUtcNow(), limits, ct, countWhileInactive: true).Timeout()))).Timeout();

        Assert.Single(results, r => r.JustClosed);
        Assert.Equal(9, results.Count(r => r.Status == VerifyStatus.Incorrect));
        Assert.Equal(191, results.Count(r => r.Status == VerifyStatus.Closed));
        var c = (await store.GetAsync("a", ct).Timeout())!;
        Assert.Equal((10, ChallengeState.Closed), (c.TotalFailures, c.State));
    }

    private Task<VerifyResult> Verify(IChallengeStore store, string id, byte[] mac, bool countWhileInactive = false) =>
        store.VerifyAsync(id, mac, Time.GetUtcNow(), Limits, ct, countWhileInactive).Timeout();
}
