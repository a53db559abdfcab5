using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Recovery;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="IRecoveryStore"/> provider must do; run once per provider by a sealed subclass.</summary>
public abstract class RecoveryStoreContract
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    protected static readonly string CardHash = StoreContractSecrets.PanHash;

    protected static readonly ChallengeLimits Limits = new(MaxAttemptsPerCode: 10, MaxTotalFailures: 10, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), MaxResends: 3);
    private static readonly byte[] RightMac = [.. Enumerable.Repeat((byte)7, 32)];
    private static readonly byte[] WrongMac = [.. Enumerable.Repeat((byte)9, 32)];

    private readonly object storeGate = new();
    private IRecoveryStore? store;
    private IChallengeStore? challenges;

    protected FakeTimeProvider Time { get; } = new(Start);

    // Created on first use (a subclass's fields are not ready in this constructor), once even when a
    // test's first touch is from many threads at once.
    protected IRecoveryStore Store
    {
        get
        {
            lock (storeGate)
            {
                return store ??= CreateStore(Time);
            }
        }
    }

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>The provider's challenge store, the one <see cref="IRecoveryStore.TryCodeAsync"/> of <see cref="Store"/> evaluates.</summary>
    protected IChallengeStore Challenges
    {
        get
        {
            lock (storeGate)
            {
                return challenges ??= CreateChallengeStore(Time);
            }
        }
    }

    protected abstract IRecoveryStore CreateStore(TimeProvider time);

    protected abstract IChallengeStore CreateChallengeStore(TimeProvider time);

    protected RecoveryRecord Recovery(string id, string? customerId = "c-1") => new()
    {
        Id = id,
        CustomerId = customerId,
        CardHash = CardHash,
        Language = "es-ES",
        Channel = "web",
        CreatedAt = Time.GetUtcNow(),
        ExpiresAt = Time.GetUtcNow() + Lifetime,
    };

    [Fact]
    public async Task GetAsync_BeforeExpiry_ReturnsEveryFieldIncludingDecoys()
    {
        // One with the document's keyed hash, as StartRecovery writes it; the others without, as records from before
        // documents were kept.
        var withDocument = Recovery("r-doc") with { DocumentHash = StoreContractSecrets.PanHash.Replace('0', 'd'), Channel = "call-centre-2" };
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();
        await Store.CreateAsync(Recovery("r-decoy", customerId: null), Ct).Within();
        await Store.CreateAsync(withDocument, Ct).Within();

        Assert.Equal(Recovery("r-1"), await Store.GetAsync("r-1", Ct).Within());
        Assert.Equal(Recovery("r-decoy", customerId: null), await Store.GetAsync("r-decoy", Ct).Within());
        Assert.Equal(withDocument, await Store.GetAsync("r-doc", Ct).Within());
        Assert.Null(await Store.GetAsync("r-unknown", Ct).Within());
    }

    [Fact]
    public async Task GetAsync_AtExpiry_ReturnsNull()
    {
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();
        Time.Advance(Lifetime - TimeSpan.FromSeconds(1));
        Assert.NotNull(await Store.GetAsync("r-1", Ct).Within());

        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await Store.GetAsync("r-1", Ct).Within());
    }

    [Fact]
    public async Task CreateAsync_SameId_ThrowsAndKeepsTheFirst()
    {
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CreateAsync(Recovery("r-1", "c-2"), Ct).Within());
        Assert.Equal("c-1", (await Store.GetAsync("r-1", Ct).Within())!.CustomerId);
    }

    [Fact]
    public async Task SetStateAsync_Known_ChangesOnlyTheState()
    {
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();

        await Store.SetStateAsync("r-1", RecoveryState.Blocked, Ct).Within();

        Assert.Equal(Recovery("r-1") with { State = RecoveryState.Blocked }, await Store.GetAsync("r-1", Ct).Within());
    }

    // A recovery id as StartRecovery makes it (the slot twin of its group "d:doc"), and its code's challenge in that group.
    protected static readonly string TwinnedId = RecoveryIds.Of("d:doc", "AAAAAAAAAAAAAAAAAAAAAA");

    private static string TwinnedChallengeId => Grouped("rec:" + TwinnedId);

    [Fact]
    public async Task CreateWithCodeAsync_NewRecovery_RecordAndChallengeBothStored()
    {
        await Store.CreateWithCodeAsync(Recovery(TwinnedId), ChallengeRules.Issue(TwinnedChallengeId, RightMac, Time.GetUtcNow(), Limits), Ct).Within();

        Assert.Equal(Recovery(TwinnedId), await Store.GetAsync(TwinnedId, Ct).Within());

        // Stored as the challenge store keeps its own: it finds it by its id and verifies its code.
        Assert.Equal(VerifyStatus.Verified, (await Challenges.VerifyAsync(TwinnedChallengeId, RightMac, Time.GetUtcNow(), Limits, Ct).Within()).Status);
    }

    [Fact]
    public async Task CreateWithCodeAsync_RecoveryIdTaken_ThrowsAndStoresNoChallenge()
    {
        await Store.CreateAsync(Recovery(TwinnedId), Ct).Within();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Store.CreateWithCodeAsync(Recovery(TwinnedId, "c-2"), ChallengeRules.Issue(TwinnedChallengeId, RightMac, Time.GetUtcNow(), Limits), Ct).Within());

        Assert.Null(await Challenges.GetAsync(TwinnedChallengeId, Ct).Within());
        Assert.Equal("c-1", (await Store.GetAsync(TwinnedId, Ct).Within())!.CustomerId);
    }

    [Fact]
    public async Task CreateWithCodeAsync_ChallengeIdTaken_ThrowsAndStoresNoRecovery()
    {
        await Challenges.CreateAsync(ChallengeRules.Issue(TwinnedChallengeId, WrongMac, Time.GetUtcNow(), Limits), Ct).Within();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Store.CreateWithCodeAsync(Recovery(TwinnedId), ChallengeRules.Issue(TwinnedChallengeId, RightMac, Time.GetUtcNow(), Limits), Ct).Within());

        Assert.Null(await Store.GetAsync(TwinnedId, Ct).Within());
        Assert.Equal(VerifyStatus.Incorrect, (await Challenges.VerifyAsync(TwinnedChallengeId, RightMac, Time.GetUtcNow(), Limits, Ct).Within()).Status);
    }

    [Theory]
    [InlineData("r-1")] // an id that names no twin
    [InlineData("d:another-document")] // the twin of another group
    public async Task CreateWithCodeAsync_IdNotNamingTheChallengesGroup_RefusedAndNothingStored(string idOrGroup)
    {
        var id = idOrGroup.StartsWith("d:", StringComparison.Ordinal) ? RecoveryIds.Of(idOrGroup, "AAAAAAAAAAAAAAAAAAAAAA") : idOrGroup;
        Assert.NotEqual(TwinnedId, id);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.CreateWithCodeAsync(Recovery(id), ChallengeRules.Issue(TwinnedChallengeId, RightMac, Time.GetUtcNow(), Limits), Ct).Within());

        Assert.Null(await Store.GetAsync(id, Ct).Within());
        Assert.Null(await Challenges.GetAsync(TwinnedChallengeId, Ct).Within());
    }

    [Fact]
    public async Task ReissueCodeAsync_CardNotBlocked_ReissuedAsTheChallengeStoreReissues()
    {
        await Challenges.CreateAsync(ChallengeRules.Issue(Grouped("rec:r-1"), RightMac, Time.GetUtcNow(), Limits), Ct).Within();
        Time.Advance(Limits.ResendCooldown);

        var result = await Store.ReissueCodeAsync(Grouped(CardHash), Grouped("rec:r-1"), new ChallengeReissue(WrongMac, Time.GetUtcNow(), Limits), Ct).Within();

        Assert.NotNull(result);
        Assert.Equal(ReissueStatus.Reissued, result.Value.Status);
        Assert.Equal(1, result.Value.Challenge!.Resends);
        Assert.Equal(VerifyStatus.Verified, (await Challenges.VerifyAsync(Grouped("rec:r-1"), WrongMac, Time.GetUtcNow(), Limits, Ct).Within()).Status);
    }

    [Fact]
    public async Task ReissueCodeAsync_CardBlocked_NullAndNothingReissued()
    {
        await Challenges.CreateAsync(ChallengeRules.Issue(Grouped("rec:r-1"), RightMac, Time.GetUtcNow(), Limits), Ct).Within();
        Time.Advance(Limits.ResendCooldown);
        await Store.BlockCardAsync(Grouped(CardHash), Time.GetUtcNow(), TimeSpan.FromMinutes(1), TimeSpan.FromDays(1), Ct).Within();

        Assert.Null(await Store.ReissueCodeAsync(Grouped(CardHash), Grouped("rec:r-1"), new ChallengeReissue(WrongMac, Time.GetUtcNow(), Limits), Ct).Within());

        // The challenge is as it was: no resend counted, the old code still the one it verifies.
        Assert.Equal(0, (await Challenges.GetAsync(Grouped("rec:r-1"), Ct).Within())!.Resends);

        // Once the block has ended, the card's recoveries get new codes again.
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ReissueStatus.Reissued, (await Store.ReissueCodeAsync(Grouped(CardHash), Grouped("rec:r-1"), new ChallengeReissue(WrongMac, Time.GetUtcNow(), Limits), Ct).Within())?.Status);
    }

    [Fact]
    public async Task ReissueCodeAsync_CardOfAnotherGroup_RefusedAndNothingReissued()
    {
        await Challenges.CreateAsync(ChallengeRules.Issue(Grouped("rec:r-1"), RightMac, Time.GetUtcNow(), Limits), Ct).Within();
        Time.Advance(Limits.ResendCooldown);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.ReissueCodeAsync(GroupedId.Of(CardHash, "d:another-document"), Grouped("rec:r-1"), new ChallengeReissue(WrongMac, Time.GetUtcNow(), Limits), Ct).Within());

        Assert.Equal(0, (await Challenges.GetAsync(Grouped("rec:r-1"), Ct).Within())!.Resends);
    }

    [Fact]
    public async Task SetStateAsync_EveryStateInTurn_EachReadBackWithTheRestKept()
    {
        await Store.CreateAsync(Recovery("r-1", customerId: null), Ct).Within();

        foreach (var state in new[] { RecoveryState.Completed, RecoveryState.Blocked, RecoveryState.Open })
        {
            await Store.SetStateAsync("r-1", state, Ct).Within();
            Assert.Equal(Recovery("r-1", customerId: null) with { State = state }, await Store.GetAsync("r-1", Ct).Within());
        }
    }

    [Fact]
    public async Task SetStateAsync_Unknown_ThrowsAndCreatesNothing()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SetStateAsync("nope", RecoveryState.Completed, Ct).Within());
        Assert.Null(await Store.GetAsync("nope", Ct).Within());
    }

    [Fact]
    public async Task BlockCardAsync_RepeatedBlocks_EscalateAndExpire()
    {
        var first = TimeSpan.FromHours(1);
        var max = TimeSpan.FromHours(3);
        Assert.Null(await Store.GetCardBlockAsync("card-a", Time.GetUtcNow(), Ct).Within());

        var until1 = await Store.BlockCardAsync("card-a", Time.GetUtcNow(), first, max, Ct).Within();
        Assert.Equal(Time.GetUtcNow() + first, until1);
        Assert.Equal(until1, await Store.GetCardBlockAsync("card-a", Time.GetUtcNow(), Ct).Within());
        Assert.Null(await Store.GetCardBlockAsync("card-b", Time.GetUtcNow(), Ct).Within());

        Time.Advance(first);
        Assert.Null(await Store.GetCardBlockAsync("card-a", Time.GetUtcNow(), Ct).Within());

        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromHours(2), await Store.BlockCardAsync("card-a", Time.GetUtcNow(), first, max, Ct).Within());
        Assert.Equal(Time.GetUtcNow() + max, await Store.BlockCardAsync("card-a", Time.GetUtcNow(), first, max, Ct).Within());
    }

    [Fact]
    public async Task BlockCardAsync_AtLeastUntilLaterThanTheEscalation_LastsUntilThenAndStillEscalates()
    {
        var first = TimeSpan.FromHours(1);
        var floor = Time.GetUtcNow() + TimeSpan.FromHours(24);

        Assert.Equal(floor, await Store.BlockCardAsync("card-a", Time.GetUtcNow(), first, TimeSpan.FromDays(7), Ct, floor).Within());
        Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(floor, await Store.GetCardBlockAsync("card-a", Time.GetUtcNow(), Ct).Within());

        // An earlier floor changes nothing: the escalation (now 2 h, the second block) wins.
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromHours(2), await Store.BlockCardAsync("card-a", Time.GetUtcNow(), first, TimeSpan.FromDays(7), Ct, Time.GetUtcNow()).Within());
    }

    [Fact]
    public async Task BlockCardAsync_InParallel_EachCountedOnce()
    {
        var first = TimeSpan.FromMinutes(1);
        var max = TimeSpan.FromDays(30);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            Store.BlockCardAsync("card-a", Start, first, max, Ct)))).Within();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => Start + RecoveryBlock.Duration(i, first, max)), results.Order());
    }

    [Fact]
    public async Task TryCodeAsync_RightCode_VerifiedOnceAndNothingCountedOrBlocked()
    {
        await Challenges.CreateAsync(ChallengeRules.Issue(Grouped("rec:r-1"), RightMac, Time.GetUtcNow(), Limits), Ct).Within();

        var right = await Store.TryCodeAsync(Try(RightMac, limit: 1), Ct).Within();
        var again = await Store.TryCodeAsync(Try(RightMac, limit: 1), Ct).Within();

        Assert.Equal(new RecoveryCodeTried(new CodeTry(new VerifyResult(VerifyStatus.Verified)), null), right);

        // The right code gave its unit back (a limit of one would otherwise refuse the next try), and was single use.
        Assert.Equal(VerifyStatus.AlreadyUsed, again.Try.Result.Status);
        Assert.False(again.Try.Exhausted);
        Assert.Null(await Store.GetCardBlockAsync(Grouped(CardHash), Time.GetUtcNow(), Ct).Within());
    }

    [Fact]
    public async Task TryCodeAsync_BlockedCard_RefusedWithNothingTakenOrEvaluated()
    {
        await Challenges.CreateAsync(ChallengeRules.Issue(Grouped("rec:r-1"), RightMac, Time.GetUtcNow(), Limits), Ct).Within();
        await Store.BlockCardAsync(Grouped(CardHash), Time.GetUtcNow(), TimeSpan.FromMinutes(1), TimeSpan.FromDays(1), Ct).Within();

        var refused = await Store.TryCodeAsync(Try(RightMac, limit: 1), Ct).Within();

        Assert.Equal(new RecoveryCodeTried(new CodeTry(new VerifyResult(VerifyStatus.Closed), Refused: true), null), refused);
        Assert.Equal(ChallengeState.Active, (await Challenges.GetAsync(Grouped("rec:r-1"), Ct).Within())!.State);

        // Once the block ends the right code still verifies: the refused try took no unit (the limit is one).
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(VerifyStatus.Verified, (await Store.TryCodeAsync(Try(RightMac, limit: 1), Ct).Within()).Try.Result.Status);
    }

    [Fact]
    public async Task TryCodeAsync_WrongCodeThatFillsTheBudget_BlocksTheCardUntilATryFreesThenAnotherCardIsExhausted()
    {
        await Challenges.CreateAsync(ChallengeRules.Issue(Grouped("rec:r-1"), RightMac, Time.GetUtcNow(), Limits), Ct).Within();
        var window = TimeSpan.FromHours(24);

        var first = await Store.TryCodeAsync(Try(WrongMac, limit: 2, window), Ct).Within();
        var second = await Store.TryCodeAsync(Try(WrongMac, limit: 2, window), Ct).Within();

        Assert.Equal(new RecoveryCodeTried(new CodeTry(new VerifyResult(VerifyStatus.Incorrect, 9, Counted: true)), null), first);
        Assert.Equal(VerifyStatus.Incorrect, second.Try.Result.Status);
        Assert.True(second.Try.JustFilled);
        Assert.Equal(Start + window, second.Try.FullUntil);

        // The card is blocked at least until the first wrong code leaves the window (more than the first block's hour).
        Assert.Equal(Start + window, second.CardBlockedUntil);
        Assert.Equal(Start + window, await Store.GetCardBlockAsync(Grouped(CardHash), Time.GetUtcNow(), Ct).Within());
        Assert.True((await Store.TryCodeAsync(Try(RightMac, limit: 2, window), Ct).Within()).Try.Refused);

        // Another card of the same document is not blocked, but the document's budget is full: nothing evaluated.
        var other = await Store.TryCodeAsync(Try(RightMac, limit: 2, window) with { Card = Grouped("card-b"), Scopes = [Grouped("rc:card-b"), Grouped("rd:doc")] }, Ct).Within();
        Assert.Equal(new RecoveryCodeTried(new CodeTry(new VerifyResult(VerifyStatus.Closed), Exhausted: true, FullUntil: Start + window), null), other);
        Assert.Equal(2, (await Challenges.GetAsync(Grouped("rec:r-1"), Ct).Within())!.TotalFailures);
    }

    private static string Grouped(string id) => GroupedId.Of(id, "d:doc");

    private RecoveryCodeTry Try(byte[] mac, int limit, TimeSpan? window = null) => new()
    {
        ChallengeId = Grouped("rec:r-1"),
        PresentedMac = mac,
        Limits = Limits,
        Card = Grouped(CardHash),
        Scopes = [Grouped("rc:" + CardHash), Grouped("rd:doc")],
        WrongCodeLimit = limit,
        WrongCodeWindow = window ?? TimeSpan.FromHours(24),
        Token = Guid.NewGuid().ToString("N"),
        Now = Time.GetUtcNow(),
        FirstBlock = TimeSpan.FromHours(1),
        MaxBlock = TimeSpan.FromDays(30),
    };
}
