using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.SharedTests.Customers;
using Recovery.AuthServer.SharedTests.Operations;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>
/// What every <see cref="IOperationStore"/> must do with a signature's code in one step (<see cref="IOperationStore.TrySmsCodeAsync"/>,
/// <see cref="IOperationStore.UseAppStepAsync"/>), over the challenge store, the wrong-code ledger and the authenticator
/// store it shares, run against each provider.
/// </summary>
public abstract class OperationCodeStepContract
{
    private const string CustomerId = "c-1";
    private const int Limit = 2;
    private static readonly byte[] RightMac = [1, 2, 3];
    private static readonly byte[] WrongMac = [9, 9, 9];
    private static readonly ChallengeLimits Limits = ChallengeLimits.From(new OtpOptions());
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    // An id of this version: the slot twin of the customer's group, then a token (OperationLifecycle).
    private static readonly string OperationId =
        SlotTwins.TwinOf("c:" + CustomerId).ToString("D6", CultureInfo.InvariantCulture) + "_AAAAAAAAAAAAAAAAAAAAAA";

    private static readonly string Scope = CustomerScopes.Of("sg", CustomerId);

    private readonly CancellationToken ct = CancellationToken.None;
    private int tokens;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// The operation store, the three stores its code steps work on and the customer store whose guarded commit takes an
    /// app step's mark (<see cref="ICustomerStore.CommitPasswordAfterStepAsync"/>), sharing one provider's data.
    /// </summary>
    protected abstract (IOperationStore Operations, IChallengeStore Challenges, IWrongCodeLedger Ledger, IAuthenticatorStore Authenticators, ICustomerStore Customers)
        CreateStores(TimeProvider time);

    [Fact]
    public async Task TrySmsCodeAsync_RightCode_VerifiedTheUnitGivenBackAndTheOperationLeftToTheCommit()
    {
        var s = await OpenAsync();

        var step = await s.Operations.TrySmsCodeAsync(Code(RightMac), ct).Within();

        Assert.Equal(OperationCodeStepStatus.Tried, step.Status);
        Assert.Equal(VerifyStatus.Verified, step.Try!.Result.Status);
        Assert.Equal(ChallengeState.Used, (await s.Challenges.GetAsync(ChallengeIdOf(), ct).Within())!.State);
        Assert.Equal(OperationState.Pending, (await s.Operations.GetAsync(OperationId, ct).Within())!.State);
        Assert.Equal(Limit, await FreeUnitsAsync(s.Ledger));
    }

    [Fact]
    public async Task TrySmsCodeAsync_WrongCodes_CountedAndTheOneThatFillsTheBudgetEndsTheOperation()
    {
        var s = await OpenAsync();

        var first = await s.Operations.TrySmsCodeAsync(Code(WrongMac), ct).Within();
        Assert.Equal((VerifyStatus.Incorrect, true, false), (first.Try!.Result.Status, first.Try.Result.Counted, first.Try.JustFilled));
        Assert.Equal(OperationState.Pending, (await s.Operations.GetAsync(OperationId, ct).Within())!.State);

        var filling = await s.Operations.TrySmsCodeAsync(Code(WrongMac), ct).Within();
        Assert.True(filling.Try!.JustFilled);
        Assert.NotNull(filling.Try.FullUntil);
        Assert.Equal(ChallengeState.Closed, (await s.Challenges.GetAsync(ChallengeIdOf(), ct).Within())!.State);
        Assert.Equal(OperationState.Expired, (await s.Operations.GetAsync(OperationId, ct).Within())!.State);
    }

    [Fact]
    public async Task TrySmsCodeAsync_BudgetFull_TheRightCodeNotEvaluatedAndTheOperationEnded()
    {
        var s = await OpenAsync();
        for (var i = 0; i < Limit; i++)
        {
            var token = "w" + i.ToString(CultureInfo.InvariantCulture);
            await s.Ledger.TakeAsync([Scope], token, Limit, Window, Time.GetUtcNow(), ct).Within();
            await s.Ledger.SettleAsync([Scope], token, counted: true, Limit, Window, Time.GetUtcNow(), ct).Within();
        }

        var step = await s.Operations.TrySmsCodeAsync(Code(RightMac), ct).Within();

        Assert.True(step.Try!.Exhausted);
        Assert.Equal(VerifyStatus.Closed, step.Try.Result.Status);
        Assert.Equal(ChallengeState.Closed, (await s.Challenges.GetAsync(ChallengeIdOf(), ct).Within())!.State);
        Assert.Equal(OperationState.Expired, (await s.Operations.GetAsync(OperationId, ct).Within())!.State);
    }

    [Fact]
    public async Task TrySmsCodeAsync_BudgetFullOfTriesStillEvaluated_BusyAndNothingTakenOrChanged()
    {
        var s = await OpenAsync();
        for (var i = 0; i < Limit; i++)
        {
            await s.Ledger.TakeAsync([Scope], "p" + i.ToString(CultureInfo.InvariantCulture), Limit, Window, Time.GetUtcNow(), ct).Within();
        }

        var step = await s.Operations.TrySmsCodeAsync(Code(RightMac), ct).Within();

        Assert.Equal(OperationCodeStepStatus.Busy, step.Status);
        Assert.Equal(ChallengeState.Active, (await s.Challenges.GetAsync(ChallengeIdOf(), ct).Within())!.State);
        Assert.Equal(OperationState.Pending, (await s.Operations.GetAsync(OperationId, ct).Within())!.State);
    }

    [Fact]
    public async Task TrySmsCodeAsync_AppEnrolled_UnitTakenAndNothingEvaluatedThenTheHeldTryCountsWhileTheCodeIsDead()
    {
        var s = await OpenAsync(ChallengeState.Burned);
        await EnrolAsync(s.Authenticators);

        var first = await s.Operations.TrySmsCodeAsync(Code(RightMac), ct).Within();
        Assert.Equal(OperationCodeStepStatus.OtherFactorEnrolled, first.Status);
        Assert.Equal(Limit - 1, await FreeUnitsAsync(s.Ledger));

        // The held try: not taken again, and a wrong code counts although the SMS code is burned (the app's codes stay guessable).
        var held = await s.Operations.TrySmsCodeAsync(Code(WrongMac, "t0") with { UnitHeld = true }, ct).Within();
        Assert.Equal(OperationCodeStepStatus.Tried, held.Status);
        Assert.True(held.Try!.Result.Counted);
        Assert.Equal(Limit - 1, await FreeUnitsAsync(s.Ledger));
    }

    [Fact]
    public async Task TrySmsCodeAsync_AppEnrolledRightSmsCode_VerifiedInTheStepWithTheUnitGivenBack()
    {
        var s = await OpenAsync();
        await EnrolAsync(s.Authenticators);

        // The right SMS code of a usable challenge signs in the step that took its try, as without an app.
        var step = await s.Operations.TrySmsCodeAsync(Code(RightMac), ct).Within();

        Assert.Equal(OperationCodeStepStatus.Tried, step.Status);
        Assert.Equal((VerifyStatus.Verified, false, false), (step.Try!.Result.Status, step.Try.Result.Counted, step.Try.JustFilled));
        Assert.Equal(ChallengeState.Used, (await s.Challenges.GetAsync(ChallengeIdOf(), ct).Within())!.State);
        Assert.Equal(OperationState.Pending, (await s.Operations.GetAsync(OperationId, ct).Within())!.State);
        Assert.Equal(Limit, await FreeUnitsAsync(s.Ledger));
    }

    [Fact]
    public async Task TrySmsCodeAsync_AppEnrolledOtherCode_UnitTakenAndTheChallengeNeitherCountedNorEnded()
    {
        var s = await OpenAsync();
        await EnrolAsync(s.Authenticators);
        var before = Otp.ChallengeRuleCases.Describe(await s.Challenges.GetAsync(ChallengeIdOf(), ct).Within());

        // Any other code may be an app code: left to the server holding the unit, the SMS challenge as it was.
        var step = await s.Operations.TrySmsCodeAsync(Code(WrongMac), ct).Within();

        Assert.Equal(OperationCodeStepStatus.OtherFactorEnrolled, step.Status);
        Assert.Equal(before, Otp.ChallengeRuleCases.Describe(await s.Challenges.GetAsync(ChallengeIdOf(), ct).Within()));
        Assert.Equal(OperationState.Pending, (await s.Operations.GetAsync(OperationId, ct).Within())!.State);
        Assert.Equal(Limit - 1, await FreeUnitsAsync(s.Ledger));
    }

    [Fact]
    public async Task UseAppStepAsync_NewStepThenTheSameAgain_UsedWithTheChallengeEndedThenAReplayThatEndsAndCountsNothing()
    {
        var s = await OpenAsync();
        var authenticatorId = await EnrolAsync(s.Authenticators);

        await s.Ledger.TakeAsync([Scope], "t-a", Limit, Window, Time.GetUtcNow(), ct).Within();
        var used = await s.Operations.UseAppStepAsync(CustomerId, ChallengeIdOf(), authenticatorId, 101, Unit("t-a"), Time.GetUtcNow(), ct).Within();
        await s.Ledger.TakeAsync([Scope], "t-b", Limit, Window, Time.GetUtcNow(), ct).Within();
        var replayed = await s.Operations.UseAppStepAsync(CustomerId, ChallengeIdOf(), authenticatorId, 101, Unit("t-b"), Time.GetUtcNow(), ct).Within();

        Assert.Equal(VerifyStatus.Verified, used?.Status);
        Assert.Null(replayed);
        Assert.Equal(ChallengeState.Used, (await s.Challenges.GetAsync(ChallengeIdOf(), ct).Within())!.State);
        Assert.Equal(101, (await s.Authenticators.GetConfirmedAsync(CustomerId, ct).Within())!.LastUsedStep);
        Assert.Equal(Limit, await FreeUnitsAsync(s.Ledger));
    }

    [Fact]
    public async Task UseAppStepAsync_UsedNowForAnAttempt_LeavesTheMarkOnlyThatAttemptsGuardedCommitTakesAndAReplayLeavesNone()
    {
        // The step's mark is the provider's own seam between its operation store and its customer store (a script's key on
        // Redis, the customer's entry in memory): the commit of the attempt whose step was used now applies, once; the
        // commit of a replayed step's attempt finds no mark, changes nothing and decides only its own attempt.
        var s = await OpenAsync();
        var authenticatorId = await EnrolAsync(s.Authenticators);
        Assert.True(await s.Customers.AddIfAbsentAsync(
            SeedCustomerRecord.With(), new CredentialRecord { CustomerId = CustomerId, PasswordHash = StoreContractSecrets.Phc("Old-Pass-11") }, ct).Within());
        var version = (await s.Customers.GetCredentialsAsync(CustomerId, ct).Within())!.Version;
        var newHash = StoreContractSecrets.Phc("New-Pass-22");

        await s.Ledger.TakeAsync([Scope], "t-a", Limit, Window, Time.GetUtcNow(), ct).Within();
        var used = await s.Operations.UseAppStepAsync(CustomerId, ChallengeIdOf(), authenticatorId, 101, Unit("t-a"), Time.GetUtcNow(), ct, "op:o-1:t-a").Within();
        await s.Ledger.TakeAsync([Scope], "t-b", Limit, Window, Time.GetUtcNow(), ct).Within();
        var replayed = await s.Operations.UseAppStepAsync(CustomerId, ChallengeIdOf(), authenticatorId, 101, Unit("t-b"), Time.GetUtcNow(), ct, "op:o-1:t-b").Within();

        Assert.Equal(VerifyStatus.Verified, used?.Status);
        Assert.Null(replayed);
        Assert.Null(await s.Customers.CommitPasswordAfterStepAsync(CustomerId, newHash, version, 5, "op:o-1", "op:o-1:t-b", ct).Within());
        Assert.Equal(version, (await s.Customers.GetCredentialsAsync(CustomerId, ct).Within())!.Version);
        Assert.True(await s.Customers.CommitPasswordAfterStepAsync(CustomerId, newHash, version, 5, "op:o-1", "op:o-1:t-a", ct).Within());
        var after = (await s.Customers.GetCredentialsAsync(CustomerId, ct).Within())!;
        Assert.Equal((version + 1, newHash), (after.Version, after.PasswordHash));
        Assert.True(await s.Customers.SettleChangeAsync(CustomerId, "op:o-1", ct).Within());
        Assert.True(await s.Customers.SettleChangeAsync(CustomerId, "op:o-1:t-a", ct).Within());
        Assert.False(await s.Customers.SettleChangeAsync(CustomerId, "op:o-1:t-b", ct).Within());
    }

    private static string ChallengeIdOf() => OperationLifecycle.ChallengeId(OperationId);

    private static WrongCodeUnit Unit(string token) => new([Scope], token, Limit, Window);

    private async Task<(IOperationStore Operations, IChallengeStore Challenges, IWrongCodeLedger Ledger, IAuthenticatorStore Authenticators, ICustomerStore Customers)> OpenAsync(
        ChallengeState state = ChallengeState.Active)
    {
        var s = CreateStores(Time);
        Assert.True(await s.Operations.TryCreateAsync(PendingOperation.Of(OperationId, "23522111", Time.GetUtcNow(), Time.GetUtcNow() + TimeSpan.FromMinutes(10)), ct).Within());
        await s.Challenges.CreateAsync(ChallengeRules.Issue(ChallengeIdOf(), RightMac, Time.GetUtcNow(), Limits) with { State = state }, ct).Within();
        return s;
    }

    // A confirmed authenticator with step 100 used.
    private async Task<string> EnrolAsync(IAuthenticatorStore authenticators)
    {
        var pending = new Authenticator
        {
            Id = "a-1", CustomerId = CustomerId, ProtectedSecret = [7, 7, 7], CreatedAt = Time.GetUtcNow(), ExpiresAt = Time.GetUtcNow() + TimeSpan.FromMinutes(10),
        };
        await authenticators.SavePendingAsync(pending, TimeSpan.Zero, null, ct).Within();
        Assert.Equal(VerifyStatus.Verified, (await authenticators.ConfirmAsync(CustomerId, "a-1", 100, 5, Time.GetUtcNow(), ct).Within()).Status);
        return "a-1";
    }

    private OperationSmsCode Code(byte[] mac, string? token = null) => new()
    {
        OperationId = OperationId,
        CustomerId = CustomerId,
        ChallengeId = ChallengeIdOf(),
        PresentedMac = mac,
        Limits = Limits,
        Scope = Scope,
        Token = token ?? "t" + (tokens++).ToString(CultureInfo.InvariantCulture),
        WrongCodeLimit = Limit,
        Window = Window,
        Now = Time.GetUtcNow(),
    };

    // How many units the budget still grants, found by taking them; each is given back uncounted, so the probe changes nothing.
    private async Task<int> FreeUnitsAsync(IWrongCodeLedger ledger)
    {
        var taken = new List<string>();
        for (var i = 0; i < Limit; i++)
        {
            var token = "probe" + i.ToString(CultureInfo.InvariantCulture);
            if (!(await ledger.TakeAsync([Scope], token, Limit, Window, Time.GetUtcNow(), ct).Within()).Granted)
            {
                break;
            }

            taken.Add(token);
        }

        foreach (var token in taken)
        {
            await ledger.SettleAsync([Scope], token, counted: false, Limit, Window, Time.GetUtcNow(), ct).Within();
        }

        return taken.Count;
    }
}
