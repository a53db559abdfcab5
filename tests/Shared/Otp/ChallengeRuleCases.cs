using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.SharedTests.Otp;

/// <summary>
/// The challenge rules as a table: every branch of ChallengeRules.Verify (with and without counting while
/// inactive), AcceptOtherFactor, Reissue and Close, each as one step from a stored challenge. The same rows run on
/// the pure functions (UnitTests.Otp.ChallengeRulesTests), on the in-memory store
/// (UnitTests.Storage.InMemoryChallengeRuleContractTests) and on Redis
/// (IntegrationTests.Storage.RedisChallengeRuleContractTests), so a provider that drifts from the rules fails a row.
/// </summary>
internal static class ChallengeRuleCases
{
    public const string Id = "c";

    public static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    /// <summary>3 tries per code, 5 per challenge, codes live 5 min, resends after 30 s, 3 resends.</summary>
    public static readonly ChallengeLimits Limits = new(3, 5, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), 3);

    public static readonly byte[] Right = Enumerable.Repeat((byte)7, 32).ToArray();
    public static readonly byte[] Wrong = Enumerable.Repeat((byte)9, 32).ToArray();
    public static readonly byte[] NewCode = Enumerable.Repeat((byte)5, 32).ToArray();

    /// <summary>A challenge as OtpEngine issues it at <see cref="Start"/>.</summary>
    private static readonly Challenge Fresh = new()
    {
        Id = Id,
        CodeMac = Right,
        ExpiresAt = Start + TimeSpan.FromMinutes(5),
        ResendAvailableAt = Start + TimeSpan.FromSeconds(30),
    };

    private static readonly Challenge Burned = Fresh with { CodeFailures = 3, TotalFailures = 3, State = ChallengeState.Burned };
    private static readonly Challenge Used = Fresh with { CodeFailures = 1, TotalFailures = 1, State = ChallengeState.Used };
    private static readonly Challenge Closed = Fresh with { CodeFailures = 1, TotalFailures = 2, State = ChallengeState.Closed };

    public static IReadOnlyList<ChallengeRuleCase> All { get; } =
    [
        // ChallengeRules.Verify: only the SMS code can sign.
        Verify("Verify_NoChallenge_NotFound", null, Right, 0, new(VerifyStatus.NotFound), null),
        Verify("Verify_Used_AlreadyUsedNothingCounted", Used, Right, 10, new(VerifyStatus.AlreadyUsed), Used),
        Verify("Verify_ClosedRightCode_ClosedNothingCounted", Closed, Right, 10, new(VerifyStatus.Closed), Closed),
        Verify("Verify_BurnedRightCode_BurnedNothingCounted", Burned, Right, 10, new(VerifyStatus.Burned), Burned),
        Verify("Verify_AtExpiryRightCode_ExpiredNothingCounted", Fresh, Right, 300, new(VerifyStatus.Expired), Fresh),
        Verify("Verify_AfterExpiryWrongCode_ExpiredNothingCounted", Fresh, Wrong, 400, new(VerifyStatus.Expired), Fresh),
        Verify("Verify_JustBeforeExpiryRightCode_Verified", Fresh, Right, 299, new(VerifyStatus.Verified), Fresh with { State = ChallengeState.Used }),
        Verify(
            "Verify_RightCodeAfterWrongOnes_VerifiedCountersKept",
            Fresh with { CodeFailures = 2, TotalFailures = 4, Resends = 1 }, Right, 10,
            new(VerifyStatus.Verified),
            Fresh with { CodeFailures = 2, TotalFailures = 4, Resends = 1, State = ChallengeState.Used }),
        Verify("Verify_FirstWrongCode_IncorrectTwoLeft", Fresh, Wrong, 10, new(VerifyStatus.Incorrect, 2, Counted: true), Fresh with { CodeFailures = 1, TotalFailures = 1 }),
        Verify(
            "Verify_SecondWrongCode_IncorrectOneLeft",
            Fresh with { CodeFailures = 1, TotalFailures = 1 }, Wrong, 10,
            new(VerifyStatus.Incorrect, 1, Counted: true),
            Fresh with { CodeFailures = 2, TotalFailures = 2 }),
        Verify("Verify_ThirdWrongCode_BurnsTheCode", Fresh with { CodeFailures = 2, TotalFailures = 2 }, Wrong, 10, new(VerifyStatus.Burned, Counted: true), Burned),
        Verify(
            "Verify_WrongCodeWithFewerTriesLeftOnTheChallenge_TellsTheChallengesTries",
            Fresh with { Resends = 1, TotalFailures = 3 }, Wrong, 10,
            new(VerifyStatus.Incorrect, 1, Counted: true),
            Fresh with { Resends = 1, CodeFailures = 1, TotalFailures = 4 }),
        Verify(
            "Verify_WrongCodeReachingTheTotal_ClosedJustClosed",
            Fresh with { Resends = 1, CodeFailures = 1, TotalFailures = 4 }, Wrong, 10,
            new(VerifyStatus.Closed, 0, JustClosed: true, Counted: true),
            Fresh with { Resends = 1, CodeFailures = 2, TotalFailures = 5, State = ChallengeState.Closed }),
        Verify(
            "Verify_WrongCodeReachingBothLimits_ClosedNotBurned",
            Fresh with { Resends = 1, CodeFailures = 2, TotalFailures = 4 }, Wrong, 10,
            new(VerifyStatus.Closed, 0, JustClosed: true, Counted: true),
            Fresh with { Resends = 1, CodeFailures = 3, TotalFailures = 5, State = ChallengeState.Closed }),
        Verify("Verify_MacOfAnotherLength_IncorrectNotAnException", Fresh, [1, 2, 3], 10, new(VerifyStatus.Incorrect, 2, Counted: true), Fresh with { CodeFailures = 1, TotalFailures = 1 }),
        Verify(
            "Verify_OneTryPerCode_FirstWrongCodeBurns",
            Fresh, Wrong, 10,
            new(VerifyStatus.Burned, Counted: true),
            Fresh with { CodeFailures = 1, TotalFailures = 1, State = ChallengeState.Burned },
            Limits with { MaxAttemptsPerCode = 1 }),

        // ChallengeRules.Verify counting while inactive: an authenticator app can also sign, so its guesses stay
        // limited while the SMS code is burned or expired (the second-factor cases).
        Counting("VerifyCounting_NoChallenge_NotFound", null, Right, 0, new(VerifyStatus.NotFound), null),
        Counting("VerifyCounting_Used_AlreadyUsedNothingCounted", Used, Wrong, 10, new(VerifyStatus.AlreadyUsed), Used),
        Counting("VerifyCounting_Closed_ClosedNothingCounted", Closed, Wrong, 10, new(VerifyStatus.Closed), Closed),
        Counting("VerifyCounting_RightCode_Verified", Fresh, Right, 10, new(VerifyStatus.Verified), Fresh with { State = ChallengeState.Used }),
        Counting("VerifyCounting_WrongCode_TellsTheChallengesTries", Fresh, Wrong, 10, new(VerifyStatus.Incorrect, 4, Counted: true), Fresh with { CodeFailures = 1, TotalFailures = 1 }),
        Counting(
            "VerifyCounting_WrongCodeThatBurns_IncorrectWithTheChallengesTries",
            Fresh with { CodeFailures = 2, TotalFailures = 2 }, Wrong, 10,
            new(VerifyStatus.Incorrect, 2, Counted: true),
            Burned),
        Counting("VerifyCounting_BurnedWrongCode_StillCounted", Burned, Wrong, 10, new(VerifyStatus.Incorrect, 1, Counted: true), Burned with { TotalFailures = 4 }),
        Counting("VerifyCounting_BurnedRightCode_CountedTheSmsCodeCannotWin", Burned, Right, 10, new(VerifyStatus.Incorrect, 1, Counted: true), Burned with { TotalFailures = 4 }),
        Counting("VerifyCounting_ExpiredRightCode_CountedTheSmsCodeCannotWin", Fresh, Right, 300, new(VerifyStatus.Incorrect, 4, Counted: true), Fresh with { TotalFailures = 1 }),
        Counting(
            "VerifyCounting_BurnedReachingTheTotal_ClosedJustClosed",
            Burned with { TotalFailures = 4 }, Wrong, 10,
            new(VerifyStatus.Closed, 0, JustClosed: true, Counted: true),
            Burned with { TotalFailures = 5, State = ChallengeState.Closed }),
        Counting(
            "VerifyCounting_ExpiredReachingTheTotal_ClosedJustClosed",
            Fresh with { Resends = 1, TotalFailures = 4 }, Wrong, 400,
            new(VerifyStatus.Closed, 0, JustClosed: true, Counted: true),
            Fresh with { Resends = 1, TotalFailures = 5, State = ChallengeState.Closed }),

        // ChallengeRules.AcceptOtherFactor: a TOTP code signed instead of the SMS code.
        Other("AcceptOtherFactor_NoChallenge_NotFound", null, 0, new(VerifyStatus.NotFound), null),
        Other("AcceptOtherFactor_Active_VerifiedAndUsed", Fresh, 10, new(VerifyStatus.Verified), Fresh with { State = ChallengeState.Used }),
        Other("AcceptOtherFactor_Burned_VerifiedAndUsed", Burned, 10, new(VerifyStatus.Verified), Burned with { State = ChallengeState.Used }),
        Other("AcceptOtherFactor_Expired_VerifiedAndUsed", Fresh, 400, new(VerifyStatus.Verified), Fresh with { State = ChallengeState.Used }),
        Other("AcceptOtherFactor_Used_AlreadyUsed", Used, 10, new(VerifyStatus.AlreadyUsed), Used),
        Other("AcceptOtherFactor_Closed_ClosedAndStaysClosed", Closed, 10, new(VerifyStatus.Closed), Closed),

        // ChallengeRules.VerifyIfRight: a signer with an app; only the right SMS code of a usable challenge is decided,
        // anything else is left to the app's check with nothing counted.
        IfRight("VerifyIfRight_NoChallenge_False", null, Right, 0, false, null),
        IfRight("VerifyIfRight_ActiveRightCode_TrueAndUsed", Fresh, Right, 10, true, Fresh with { State = ChallengeState.Used }),
        IfRight("VerifyIfRight_ActiveWrongCode_FalseNothingCounted", Fresh, Wrong, 10, false, Fresh),
        IfRight("VerifyIfRight_MacOfAnotherLength_FalseNotAnException", Fresh, [1, 2, 3], 10, false, Fresh),
        IfRight("VerifyIfRight_AtExpiryRightCode_FalseNothingCounted", Fresh, Right, 300, false, Fresh),
        IfRight("VerifyIfRight_BurnedRightCode_FalseNothingCounted", Burned, Right, 10, false, Burned),
        IfRight("VerifyIfRight_UsedRightCode_False", Used, Right, 10, false, Used),
        IfRight("VerifyIfRight_ClosedRightCode_False", Closed, Right, 10, false, Closed),

        // ChallengeRules.Reissue: its checks in order (active, resends left, cooldown), then the new code.
        Reissue("Reissue_NoChallenge_NotFound", null, 60, ReissueStatus.NotFound, null),
        Reissue("Reissue_Used_NotActive", Used, 60, ReissueStatus.NotActive, Used),
        Reissue("Reissue_Closed_NotActive", Closed, 60, ReissueStatus.NotActive, Closed),
        Reissue("Reissue_ResendsUsedUp_LimitReached", Fresh with { Resends = 3 }, 60, ReissueStatus.LimitReached, Fresh with { Resends = 3 }),
        Reissue("Reissue_ResendsUsedUpAndTooSoon_LimitReachedFirst", Fresh with { Resends = 3 }, 10, ReissueStatus.LimitReached, Fresh with { Resends = 3 }),
        Reissue("Reissue_NoResendsAllowed_LimitReached", Fresh, 60, ReissueStatus.LimitReached, Fresh, Limits with { MaxResends = 0 }),
        Reissue("Reissue_BeforeTheCooldown_TooSoonCodeUnchanged", Fresh with { CodeFailures = 1, TotalFailures = 1 }, 29, ReissueStatus.TooSoon, Fresh with { CodeFailures = 1, TotalFailures = 1 }),
        Reissue(
            "Reissue_AtTheCooldown_NewCodeWithItsOwnTriesTheTotalKept",
            Fresh with { CodeFailures = 1, TotalFailures = 1 }, 30,
            ReissueStatus.Reissued,
            Fresh with { CodeMac = NewCode, ExpiresAt = At(330), ResendAvailableAt = At(60), Resends = 1, TotalFailures = 1 }),
        Reissue(
            "Reissue_Burned_ActiveAgainTheTotalKept",
            Burned, 60,
            ReissueStatus.Reissued,
            Fresh with { CodeMac = NewCode, ExpiresAt = At(360), ResendAvailableAt = At(90), Resends = 1, TotalFailures = 3 }),
        Reissue(
            "Reissue_Expired_NewCodeWithAFullLifetime",
            Fresh, 600,
            ReissueStatus.Reissued,
            Fresh with { CodeMac = NewCode, ExpiresAt = At(900), ResendAvailableAt = At(630), Resends = 1 }),
        Reissue(
            "Reissue_EscalatingCooldown_GrowsWithTheResends",
            Fresh with { Resends = 1, ResendAvailableAt = At(60) }, 60,
            ReissueStatus.Reissued,
            Fresh with { CodeMac = NewCode, ExpiresAt = At(360), ResendAvailableAt = At(60 + 120), Resends = 2 },
            Limits with { ResendCooldownGrowth = 2 }),
        Reissue(
            "Reissue_EscalatingCooldown_AtMostAnHour",
            Fresh with { Resends = 3 }, 60,
            ReissueStatus.Reissued,
            Fresh with { CodeMac = NewCode, ExpiresAt = At(360), ResendAvailableAt = At(60 + 3600), Resends = 4 },
            Limits with { ResendCooldownGrowth = 4, MaxResends = 10 }),

        // ChallengeRules.Close: a cancel, or a code issued by another route.
        Close("Close_NoChallenge_True", null, true, null),
        Close("Close_Active_TrueAndClosed", Fresh, true, Fresh with { State = ChallengeState.Closed }),
        Close("Close_Burned_TrueAndClosed", Burned, true, Burned with { State = ChallengeState.Closed }),
        Close("Close_Used_FalseAndStaysUsed", Used, false, Used),
        Close("Close_Closed_TrueAndStaysClosed", Closed, true, Closed),
    ];

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static ChallengeRuleCase Named(string name) => All.Single(c => c.Name == name);

    public static DateTimeOffset At(int seconds) => Start + TimeSpan.FromSeconds(seconds);

    /// <summary>The step on the pure function: its answer and the challenge then stored.</summary>
    public static (object Result, Challenge? Stored) OnRules(ChallengeRuleCase c)
    {
        var given = c.Given;
        return c.Action switch
        {
            ChallengeAction.Verify => Stored(ChallengeRules.Verify(given, c.Mac, c.Now, c.Limits, countWhileInactive: false), given),
            ChallengeAction.VerifyCountingWhileInactive => Stored(ChallengeRules.Verify(given, c.Mac, c.Now, c.Limits, countWhileInactive: true), given),
            ChallengeAction.AcceptOtherFactor => Stored(ChallengeRules.AcceptOtherFactor(given), given),
            ChallengeAction.VerifyIfRight => Stored(ChallengeRules.VerifyIfRight(given, c.Mac, c.Now), given),
            ChallengeAction.Reissue => Stored(ChallengeRules.Reissue(given, c.Mac, c.Now, c.Limits), given),
            ChallengeAction.Close => Stored(ChallengeRules.Close(given), given),
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Action, null),
        };
    }

    /// <summary>The step on a store holding <see cref="ChallengeRuleCase.Given"/>: its answer and the challenge it then holds.</summary>
    public static async Task<(object Result, Challenge? Stored)> OnStoreAsync(ChallengeRuleCase c, IChallengeStore store)
    {
        var ct = CancellationToken.None;
        var timeout = TimeSpan.FromSeconds(10);
        if (c.Given is { } given)
        {
            await store.CreateAsync(given, ct).WaitAsync(timeout);
        }

        object result = c.Action switch
        {
            ChallengeAction.Verify => await store.VerifyAsync(Id, c.Mac, c.Now, c.Limits, ct, countWhileInactive: false).WaitAsync(timeout),
            ChallengeAction.VerifyCountingWhileInactive => await store.VerifyAsync(Id, c.Mac, c.Now, c.Limits, ct, countWhileInactive: true).WaitAsync(timeout),
            ChallengeAction.AcceptOtherFactor => await store.AcceptOtherFactorAsync(Id, ct).WaitAsync(timeout),
            ChallengeAction.VerifyIfRight => await store.VerifyIfRightAsync(Id, c.Mac, c.Now, ct).WaitAsync(timeout),
            ChallengeAction.Reissue => await store.ReissueAsync(Id, c.Mac, c.Now, c.Limits, ct).WaitAsync(timeout),
            ChallengeAction.Close => await store.CloseAsync(Id, ct).WaitAsync(timeout),
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Action, null),
        };
        return (result, await store.GetAsync(Id, ct).WaitAsync(timeout));
    }

    /// <summary>Asserts the row: the expected answer, and the expected challenge stored after the step.</summary>
    public static void AssertOutcome(ChallengeRuleCase c, object result, Challenge? stored)
    {
        switch (c.Expected)
        {
            case ReissueStatus status:
                var reissue = Assert.IsType<ReissueResult>(result);
                Assert.Equal(status, reissue.Status);

                // The answer carries the challenge as it now stands (the new code's times, or the wait left).
                Assert.Equal(Describe(c.Then), Describe(reissue.Challenge));
                break;
            default:
                Assert.Equal(c.Expected, result);
                break;
        }

        Assert.Equal(Describe(c.Then), Describe(stored));
    }

    /// <summary>A challenge as comparable text (a record compares its MAC by reference).</summary>
    public static string Describe(Challenge? c) => c is null
        ? "(none)"
        : $"{c.Id} mac={Convert.ToHexString(c.CodeMac)} exp={c.ExpiresAt:O} rat={c.ResendAvailableAt:O} rs={c.Resends} cf={c.CodeFailures} tf={c.TotalFailures} st={c.State}";

    private static (object Result, Challenge? Stored) Stored<T>(ChallengeStep<T> step, Challenge? given) => (step.Result!, step.Next ?? given);

    private static ChallengeRuleCase Verify(string name, Challenge? given, byte[] mac, int at, VerifyResult expected, Challenge? then, ChallengeLimits? limits = null) =>
        new(name, given, ChallengeAction.Verify, mac, TimeSpan.FromSeconds(at), limits ?? Limits, expected, then);

    private static ChallengeRuleCase Counting(string name, Challenge? given, byte[] mac, int at, VerifyResult expected, Challenge? then) =>
        new(name, given, ChallengeAction.VerifyCountingWhileInactive, mac, TimeSpan.FromSeconds(at), Limits, expected, then);

    private static ChallengeRuleCase Other(string name, Challenge? given, int at, VerifyResult expected, Challenge? then) =>
        new(name, given, ChallengeAction.AcceptOtherFactor, Right, TimeSpan.FromSeconds(at), Limits, expected, then);

    private static ChallengeRuleCase IfRight(string name, Challenge? given, byte[] mac, int at, bool expected, Challenge? then) =>
        new(name, given, ChallengeAction.VerifyIfRight, mac, TimeSpan.FromSeconds(at), Limits, expected, then);

    private static ChallengeRuleCase Reissue(string name, Challenge? given, int at, ReissueStatus expected, Challenge? then, ChallengeLimits? limits = null) =>
        new(name, given, ChallengeAction.Reissue, NewCode, TimeSpan.FromSeconds(at), limits ?? Limits, expected, then);

    private static ChallengeRuleCase Close(string name, Challenge? given, bool expected, Challenge? then) =>
        new(name, given, ChallengeAction.Close, Right, TimeSpan.FromSeconds(10), Limits, expected, then);
}
