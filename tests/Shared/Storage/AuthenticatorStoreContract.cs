using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.SharedTests.Customers;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="IAuthenticatorStore"/> must do, run against each provider.</summary>
public abstract class AuthenticatorStoreContract
{
    protected const string Customer = "c-1";
    protected static readonly TimeSpan EnrolmentLifetime = TimeSpan.FromMinutes(10);

    private readonly CancellationToken ct = CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    private static readonly PendingSave Saved = new(PendingSaveStatus.Saved);

    /// <summary>The customers the stores of <see cref="CreateStore"/> read credentials versions from.</summary>
    protected abstract ICustomerStore Customers { get; }

    /// <summary>The challenges of the same provider (the enrolment's SMS code).</summary>
    protected abstract IChallengeStore Challenges { get; }

    protected abstract IAuthenticatorStore CreateStore(TimeProvider time);

    /// <summary>The wrong-code ledger of the same provider (the unit a TOTP step's use gives back).</summary>
    protected abstract IWrongCodeLedger Ledger { get; }

    protected Authenticator Pending(string id) => new()
    {
        Id = id,
        CustomerId = Customer,
        ProtectedSecret = [1, 2, 3, 4],
        CreatedAt = Time.GetUtcNow(),
        ExpiresAt = Time.GetUtcNow() + EnrolmentLifetime,
    };

    [Fact]
    public async Task SavePendingAsync_ThenGet_PendingUntilItLapses()
    {
        var store = CreateStore(Time);
        var pending = Pending("e-1");

        await store.SavePendingAsync(pending, TimeSpan.Zero, null, ct).Timeout();

        var read = (await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout())!;
        Assert.Equal(pending.ProtectedSecret, read.ProtectedSecret);
        Assert.Equal(pending with { ProtectedSecret = read.ProtectedSecret }, read);
        Assert.Null(await store.GetPendingAsync(Customer, Time.GetUtcNow() + EnrolmentLifetime, ct).Timeout());
        Assert.Null(await store.GetConfirmedAsync(Customer, ct).Timeout());
    }

    [Fact]
    public async Task SavePendingAsync_Again_ReplacesTheEarlierEnrolment()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await store.SavePendingAsync(Pending("e-2"), TimeSpan.Zero, null, ct).Timeout();

        Assert.Equal("e-2", (await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout())!.Id);
        Assert.Equal(VerifyStatus.NotFound, (await Confirm(store, "e-1", 100)).Status);
    }

    [Fact]
    public async Task SavePendingAsync_WithinTheCooldownOfAValidEarlierOne_RefusedWithWhenAndEarlierKept()
    {
        var store = CreateStore(Time);
        Assert.Equal(Saved, await store.SavePendingAsync(Pending("e-1"), TimeSpan.FromSeconds(30), null, ct).Timeout());
        Time.Advance(TimeSpan.FromSeconds(10));

        var refused = await store.SavePendingAsync(Pending("e-2"), TimeSpan.FromSeconds(30), null, ct).Timeout();

        Assert.Equal(new PendingSave(PendingSaveStatus.TooSoon, Time.GetUtcNow() + TimeSpan.FromSeconds(20)), refused);
        Assert.Equal("e-1", (await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout())!.Id);
        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(Saved, await store.SavePendingAsync(Pending("e-3"), TimeSpan.FromSeconds(30), null, ct).Timeout());
        Assert.Equal("e-3", (await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout())!.Id);
    }

    [Fact]
    public async Task SavePendingAsync_TwentyInParallel_ExactlyOneSaved()
    {
        var store = CreateStore(Time);

        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => store.SavePendingAsync(Pending($"e-{i}"), TimeSpan.FromSeconds(30), null, ct)))).Timeout();

        Assert.Single(results, r => r == Saved);
        Assert.All(results.Where(r => r != Saved), r => Assert.Equal(new PendingSave(PendingSaveStatus.TooSoon, Time.GetUtcNow() + TimeSpan.FromSeconds(30)), r));
    }

    [Fact]
    public async Task SavePendingAsync_CredentialsGoneOrAtAnotherVersion_StaleAndNothingChanged()
    {
        var store = CreateStore(Time);
        var stale = new PendingSave(PendingSaveStatus.StaleCredentials);

        Assert.Equal(stale, await store.SavePendingAsync(Pending("e-0"), TimeSpan.Zero, 0, ct).Timeout());
        Assert.Null(await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout());

        await Customers.AddIfAbsentAsync(SeedCustomerRecord.With(), new CredentialRecord { CustomerId = Customer, Version = 4 }, ct).Timeout();
        Assert.Equal(Saved, await store.SavePendingAsync(Pending("e-1"), TimeSpan.FromSeconds(30), 4, ct).Timeout());

        // Checked before the cooldown: a session that has ended learns nothing about the customer's enrolments.
        Assert.Equal(stale, await store.SavePendingAsync(Pending("e-2"), TimeSpan.FromSeconds(30), 3, ct).Timeout());
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(stale, await store.SavePendingAsync(Pending("e-3"), TimeSpan.FromSeconds(30), 3, ct).Timeout());
        Assert.Equal("e-1", (await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout())!.Id);
    }

    [Fact]
    public async Task ConfirmAsync_MatchedStep_ConfirmedWithThatStepUsedAndPendingGone()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();

        Assert.Equal(VerifyStatus.Verified, (await Confirm(store, "e-1", 100)).Status);

        var confirmed = (await store.GetConfirmedAsync(Customer, ct).Timeout())!;
        Assert.Equal(("e-1", (DateTimeOffset?)null, 0, 100L), (confirmed.Id, confirmed.ExpiresAt, confirmed.Failures, confirmed.LastUsedStep));
        Assert.Null(await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout());
        Assert.False(await store.TryUseStepAsync(Customer, "e-1", 100, ct).Timeout());
    }

    [Fact]
    public async Task ConfirmAsync_NewEnrolment_ReplacesTheConfirmedOneOnlyWhenProven()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await Confirm(store, "e-1", 100);
        await store.SavePendingAsync(Pending("e-2"), TimeSpan.Zero, null, ct).Timeout();

        Assert.Equal("e-1", (await store.GetConfirmedAsync(Customer, ct).Timeout())!.Id);
        await Confirm(store, "e-2", 200);
        Assert.Equal("e-2", (await store.GetConfirmedAsync(Customer, ct).Timeout())!.Id);
        Assert.False(await store.TryUseStepAsync(Customer, "e-1", 300, ct).Timeout());
    }

    [Fact]
    public async Task ConfirmAsync_WrongCodes_CountDownThenDiscardOnceWithJustClosed()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();

        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 2), await Confirm(store, "e-1", null));
        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 1), await Confirm(store, "e-1", null));
        Assert.Equal(new VerifyResult(VerifyStatus.Closed, 0, JustClosed: true), await Confirm(store, "e-1", null));
        Assert.Equal(new VerifyResult(VerifyStatus.NotFound), await Confirm(store, "e-1", 100));
        Assert.Null(await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout());
        Assert.Null(await store.GetConfirmedAsync(Customer, ct).Timeout());
    }

    [Fact]
    public async Task ConfirmAsync_LapsedOrUnknown_NotFoundAndNothingConfirmed()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();

        Assert.Equal(VerifyStatus.NotFound, (await store.ConfirmAsync("other", "e-1", 100, 3, Time.GetUtcNow(), ct).Timeout()).Status);
        Time.Advance(EnrolmentLifetime);
        Assert.Equal(VerifyStatus.NotFound, (await Confirm(store, "e-1", 100)).Status);
        Assert.Null(await store.GetConfirmedAsync(Customer, ct).Timeout());
    }

    [Fact]
    public async Task TryUseStepAsync_OnlyLaterStepsOfTheConfirmedAuthenticator()
    {
        var store = CreateStore(Time);
        Assert.False(await store.TryUseStepAsync(Customer, "e-1", 101, ct).Timeout());
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await Confirm(store, "e-1", 100);

        Assert.False(await store.TryUseStepAsync(Customer, "e-1", 99, ct).Timeout());
        Assert.True(await store.TryUseStepAsync(Customer, "e-1", 101, ct).Timeout());
        Assert.False(await store.TryUseStepAsync(Customer, "e-1", 101, ct).Timeout());
        Assert.False(await store.TryUseStepAsync(Customer, "other", 102, ct).Timeout());
        Assert.Equal(101, (await store.GetConfirmedAsync(Customer, ct).Timeout())!.LastUsedStep);
    }

    [Fact]
    public async Task TryUseStepAndGiveBackAsync_UsedThenReplayed_TheStepUsedOnceAndTheUnitGivenBackUncountedBothTimes()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await Confirm(store, "e-1", 100);
        var scope = CustomerScopes.Of("sg", Customer);
        var window = TimeSpan.FromHours(1);

        // A limit of one: a unit still held (pending) or counted would refuse the next take.
        Assert.True((await Ledger.TakeAsync([scope], "t-1", 1, window, Time.GetUtcNow(), ct).Timeout()).Granted);
        Assert.True(await store.TryUseStepAndGiveBackAsync(Customer, "e-1", 101, new WrongCodeUnit([scope], "t-1", 1, window), Time.GetUtcNow(), ct).Timeout());
        Assert.True((await Ledger.TakeAsync([scope], "t-2", 1, window, Time.GetUtcNow(), ct).Timeout()).Granted);
        Assert.False(await store.TryUseStepAndGiveBackAsync(Customer, "e-1", 101, new WrongCodeUnit([scope], "t-2", 1, window), Time.GetUtcNow(), ct).Timeout());
        Assert.True((await Ledger.TakeAsync([scope], "t-3", 1, window, Time.GetUtcNow(), ct).Timeout()).Granted);

        Assert.Equal(101, (await store.GetConfirmedAsync(Customer, ct).Timeout())!.LastUsedStep);
    }

    [Fact]
    public async Task TryUseStepAndGiveBackAsync_ScopeOutsideTheCustomersGroup_RefusedAsAProgramError()
    {
        var store = CreateStore(Time);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.TryUseStepAndGiveBackAsync(Customer, "e-1", 101, new WrongCodeUnit(["sg:" + Customer], "t-1", 1, TimeSpan.FromHours(1)), Time.GetUtcNow(), ct));
    }

    [Fact]
    public async Task TryUseStepAsync_50ParallelSameStep_ExactlyOneAccepted()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await Confirm(store, "e-1", 100);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => store.TryUseStepAsync(Customer, "e-1", 101, ct).Timeout()))).Timeout();

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task ConfirmAsync_50ParallelWrongCodes_DiscardedExactlyOnce()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Confirm(store, "e-1", null)))).Timeout();

        Assert.Single(results, r => r.JustClosed);
        Assert.Equal(2, results.Count(r => r.Status == VerifyStatus.Incorrect));
        Assert.Equal(47, results.Count(r => r.Status == VerifyStatus.NotFound));
    }

    [Fact]
    public async Task ConfirmWithSmsCodeAsync_WrongThenRightCode_CountedThenConfirmedWithThatStep()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await IssueSmsCodeAsync("e-1");

        var (wrong, notTried) = await SmsCodeAsync(store, "e-1", WrongMac, limit: 10, "t-1");
        var (right, enrolment) = await SmsCodeAsync(store, "e-1", RightMac, limit: 10, "t-2");

        Assert.Equal(new CodeTry(new VerifyResult(VerifyStatus.Incorrect, 2, Counted: true)), wrong);
        Assert.Null(notTried);
        Assert.Equal(new CodeTry(new VerifyResult(VerifyStatus.Verified)), right);
        Assert.Equal(VerifyStatus.Verified, enrolment?.Status);
        Assert.Equal(("e-1", 100L), ((await store.GetConfirmedAsync(Customer, ct).Timeout())!.Id, (await store.GetConfirmedAsync(Customer, ct).Timeout())!.LastUsedStep));
        Assert.Null(await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout());
        Assert.Equal(ChallengeState.Used, (await Challenges.GetAsync(SmsChallengeId("e-1"), ct).Timeout())!.State);
    }

    [Fact]
    public async Task ConfirmWithSmsCodeAsync_TheWrongCodeThatFillsTheScope_JustFilledThenTheRightCodeEvaluatesNothing()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await IssueSmsCodeAsync("e-1");

        var (filling, _) = await SmsCodeAsync(store, "e-1", WrongMac, limit: 1, "t-1");
        var (refused, enrolment) = await SmsCodeAsync(store, "e-1", RightMac, limit: 1, "t-2");

        Assert.True(filling.JustFilled);
        Assert.Equal(Time.GetUtcNow() + Window, filling.FullUntil);
        Assert.Equal(new CodeTry(new VerifyResult(VerifyStatus.Closed), Exhausted: true, FullUntil: Time.GetUtcNow() + Window), refused);
        Assert.Null(enrolment);
        var challenge = (await Challenges.GetAsync(SmsChallengeId("e-1"), ct).Timeout())!;
        Assert.Equal((ChallengeState.Closed, 1), (challenge.State, challenge.TotalFailures));
        Assert.Null(await store.GetConfirmedAsync(Customer, ct).Timeout());
        Assert.Equal("e-1", (await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout())!.Id);
    }

    [Fact]
    public async Task ConfirmWithSmsCodeAsync_EnrolmentReplacedMeanwhile_CodeUsedButNothingConfirmed()
    {
        var store = CreateStore(Time);
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await IssueSmsCodeAsync("e-1");
        await store.SavePendingAsync(Pending("e-2"), TimeSpan.Zero, null, ct).Timeout();

        var (sms, enrolment) = await SmsCodeAsync(store, "e-1", RightMac, limit: 10, "t-1");

        Assert.Equal(VerifyStatus.Verified, sms.Result.Status);
        Assert.Equal(VerifyStatus.NotFound, enrolment?.Status);
        Assert.Null(await store.GetConfirmedAsync(Customer, ct).Timeout());
        Assert.Equal("e-2", (await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout())!.Id);
    }

    [Fact]
    public async Task ConfirmWithSmsCodeAsync_RightCode_RecordsItsChangeApplied()
    {
        var store = CreateStore(Time);
        await Customers.AddIfAbsentAsync(SeedCustomerRecord.With(), new CredentialRecord { CustomerId = Customer }, ct).Timeout();
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await IssueSmsCodeAsync("e-1");

        var (_, enrolment) = await SmsCodeAsync(store, "e-1", RightMac, limit: 10, "t-1", "chg-right");

        Assert.Equal(VerifyStatus.Verified, enrolment?.Status);

        // What a dispatcher settling the held e-mail asks: applied, so the e-mail goes.
        Assert.True(await Customers.SettleChangeAsync(Customer, "chg-right", ct).Timeout());
    }

    [Fact]
    public async Task ConfirmWithSmsCodeAsync_WrongCodeOrEnrolmentReplaced_RecordsItsChangeDroppedSoItCanNeverApply()
    {
        var store = CreateStore(Time);
        await Customers.AddIfAbsentAsync(SeedCustomerRecord.With(), new CredentialRecord { CustomerId = Customer }, ct).Timeout();
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await IssueSmsCodeAsync("e-1");

        await SmsCodeAsync(store, "e-1", WrongMac, limit: 10, "t-1", "chg-wrong");

        // Settled by the step itself: the same change presented again, even with the right code, is refused and changes
        // nothing; its dispatcher's settle finds it dropped.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => SmsCodeAsync(store, "e-1", RightMac, limit: 10, "t-2", "chg-wrong"));
        Assert.Null(await store.GetConfirmedAsync(Customer, ct).Timeout());
        Assert.False(await Customers.SettleChangeAsync(Customer, "chg-wrong", ct).Timeout());

        // A right code whose enrolment was replaced meanwhile confirms nothing: dropped too.
        await store.SavePendingAsync(Pending("e-2"), TimeSpan.Zero, null, ct).Timeout();
        var (sms, enrolment) = await SmsCodeAsync(store, "e-1", RightMac, limit: 10, "t-3", "chg-replaced");
        Assert.Equal((VerifyStatus.Verified, VerifyStatus.NotFound), (sms.Result.Status, enrolment?.Status));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => SmsCodeAsync(store, "e-1", RightMac, limit: 10, "t-4", "chg-replaced"));
    }

    [Fact]
    public async Task ConfirmWithSmsCodeAsync_ChangeSettledBeforeTheStep_RefusedWithNothingTakenEvaluatedOrConfirmed()
    {
        var store = CreateStore(Time);
        await Customers.AddIfAbsentAsync(SeedCustomerRecord.With(), new CredentialRecord { CustomerId = Customer }, ct).Timeout();
        await store.SavePendingAsync(Pending("e-1"), TimeSpan.Zero, null, ct).Timeout();
        await IssueSmsCodeAsync("e-1");

        // A dispatcher settled the held e-mail first (the step came late): the change is decided dropped.
        Assert.False(await Customers.SettleChangeAsync(Customer, "chg-late", ct).Timeout());

        await Assert.ThrowsAsync<StorageUnavailableException>(() => SmsCodeAsync(store, "e-1", RightMac, limit: 1, "t-1", "chg-late"));

        Assert.Null(await store.GetConfirmedAsync(Customer, ct).Timeout());
        Assert.Equal("e-1", (await store.GetPendingAsync(Customer, Time.GetUtcNow(), ct).Timeout())!.Id);
        var challenge = (await Challenges.GetAsync(SmsChallengeId("e-1"), ct).Timeout())!;
        Assert.Equal((ChallengeState.Active, 0), (challenge.State, challenge.TotalFailures));

        // No try was taken from the scope (its limit is one): the next try, its own change, confirms.
        var (_, enrolment) = await SmsCodeAsync(store, "e-1", RightMac, limit: 1, "t-2", "chg-next");
        Assert.Equal(VerifyStatus.Verified, enrolment?.Status);
    }

    protected static readonly byte[] RightMac = [.. Enumerable.Repeat((byte)7, 32)];
    protected static readonly byte[] WrongMac = [.. Enumerable.Repeat((byte)8, 32)];
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);
    private static readonly ChallengeLimits Limits = new(3, 5, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), 3);

    // As AuthenticatorFlow names them: under the customer's tag, so that on Redis they share the enrolment's slot.
    private static string SmsChallengeId(string enrollmentId) => "{c:" + Customer + "}authn:" + enrollmentId;

    protected Task IssueSmsCodeAsync(string enrollmentId) =>
        Challenges.CreateAsync(ChallengeRules.Issue(SmsChallengeId(enrollmentId), RightMac, Time.GetUtcNow(), Limits), ct).Timeout();

    protected Task<(CodeTry Sms, VerifyResult? Enrolment)> SmsCodeAsync(IAuthenticatorStore store, string enrollmentId, byte[] mac, int limit, string token, string? changeId = null) =>
        store.ConfirmWithSmsCodeAsync(
            new EnrollmentSmsCode
            {
                CustomerId = Customer,
                EnrollmentId = enrollmentId,
                MatchedStep = 100,
                MaxEnrollmentFailures = 3,
                ChallengeId = SmsChallengeId(enrollmentId),
                PresentedMac = mac,
                Limits = Limits,
                Scope = "{c:" + Customer + "}en",
                Token = token,
                WrongCodeLimit = limit,
                Window = Window,
                Now = Time.GetUtcNow(),
                ChangeId = changeId ?? "authn:" + enrollmentId + ":" + token,
            },
            ct).Timeout();

    private Task<VerifyResult> Confirm(IAuthenticatorStore store, string enrollmentId, long? step) =>
        store.ConfirmAsync(Customer, enrollmentId, step, 3, Time.GetUtcNow(), ct).Timeout();
}
