using System.Security.Cryptography;

namespace Recovery.AuthServer.Otp;

/// <summary>
/// The one home of the challenge rules: how a try is answered and counted, when a code burns and a challenge
/// closes, when a resend is allowed, what another factor or a cancel does. Each is a pure function of the
/// stored challenge (null: none), the input, the time and the limits, answering the result and the challenge
/// to store. No I/O and no lock: a provider applies a step atomically (the in-memory store under the entry's
/// lock; Redis in one Lua script per step that mirrors these functions, block by block, see
/// Storage/Redis/RedisChallengeStore). The table of cases in tests/Shared/Otp/ChallengeRuleCases.cs runs on
/// these functions and on both providers.
/// </summary>
public static class ChallengeRules
{
    /// <summary>A new challenge for a code whose MAC is <paramref name="codeMac"/>: its lifetime and first cooldown start now.</summary>
    public static Challenge Issue(string id, byte[] codeMac, DateTimeOffset now, ChallengeLimits limits) => new()
    {
        Id = id,
        CodeMac = codeMac,
        ExpiresAt = now + limits.Lifetime,
        ResendAvailableAt = now + limits.ResendCooldown,
    };

    /// <summary>
    /// Compares <paramref name="presentedMac"/> with the stored MAC in constant time; a right code on a usable
    /// challenge marks it used, a wrong one counts toward the code's tries and the challenge's total.
    /// </summary>
    /// <param name="countWhileInactive">See <see cref="IChallengeStore.VerifyAsync"/>: a wrong code counts toward the total even while the code is burned or expired.</param>
    public static ChallengeStep<VerifyResult> Verify(Challenge? challenge, byte[] presentedMac, DateTimeOffset now, ChallengeLimits limits, bool countWhileInactive)
    {
        switch (challenge?.State)
        {
            case null:
                return new(new VerifyResult(VerifyStatus.NotFound));
            case ChallengeState.Used:
                return new(new VerifyResult(VerifyStatus.AlreadyUsed));
            case ChallengeState.Closed:
                return new(new VerifyResult(VerifyStatus.Closed));
        }

        var usable = challenge.State == ChallengeState.Active && now < challenge.ExpiresAt;
        if (!usable && !countWhileInactive)
        {
            // A dead code evaluates nothing and counts nothing: only a resend brings a code that can win.
            return new(new VerifyResult(challenge.State == ChallengeState.Burned ? VerifyStatus.Burned : VerifyStatus.Expired));
        }

        // Always compared, even when the code cannot win, so the work done does not depend on the state; in
        // constant time, so the time taken does not tell how much of the MAC was right.
        var equal = CryptographicOperations.FixedTimeEquals(challenge.CodeMac, presentedMac);
        if (usable && equal)
        {
            return new(new VerifyResult(VerifyStatus.Verified), challenge with { State = ChallengeState.Used });
        }

        var codeFailures = usable ? challenge.CodeFailures + 1 : challenge.CodeFailures;
        var totalFailures = challenge.TotalFailures + 1;
        if (totalFailures >= limits.MaxTotalFailures)
        {
            // JustClosed on this one try only, so the caller escalates (blocks the procedure) exactly once.
            return new(
                new VerifyResult(VerifyStatus.Closed, 0, JustClosed: true, Counted: true),
                challenge with { CodeFailures = codeFailures, TotalFailures = totalFailures, State = ChallengeState.Closed });
        }

        var burned = challenge.State == ChallengeState.Burned || (usable && codeFailures >= limits.MaxAttemptsPerCode);
        var next = challenge with
        {
            CodeFailures = codeFailures,
            TotalFailures = totalFailures,
            State = burned ? ChallengeState.Burned : ChallengeState.Active,
        };
        if (countWhileInactive)
        {
            // Another factor can still sign, so the tries that matter are those left on the whole challenge.
            return new(new VerifyResult(VerifyStatus.Incorrect, limits.MaxTotalFailures - totalFailures, Counted: true), next);
        }

        return new(
            burned
                ? new VerifyResult(VerifyStatus.Burned, Counted: true)
                : new VerifyResult(VerifyStatus.Incorrect, Math.Min(limits.MaxAttemptsPerCode - codeFailures, limits.MaxTotalFailures - totalFailures), Counted: true),
            next);
    }

    /// <summary>
    /// <see cref="Verify"/> for a right code only: true, and the challenge marked used, when <paramref name="presentedMac"/>
    /// is the code of a usable challenge; false, and nothing changed or counted, for any other code or state. For a signer
    /// with an authenticator app, whose code may be an app code that only the server can check: a right SMS code signs in
    /// the step that took its try, and any other code is left to the app's check, then tried as the SMS code (counted,
    /// <see cref="Verify"/> with countWhileInactive) if it matches no time step, as before.
    /// </summary>
    public static ChallengeStep<bool> VerifyIfRight(Challenge? challenge, byte[] presentedMac, DateTimeOffset now)
    {
        if (challenge is null)
        {
            return new(false);
        }

        // Compared in constant time whatever the state, as Verify does.
        var equal = CryptographicOperations.FixedTimeEquals(challenge.CodeMac, presentedMac);
        return challenge.State == ChallengeState.Active && now < challenge.ExpiresAt && equal
            ? new(true, challenge with { State = ChallengeState.Used })
            : new(false);
    }

    /// <summary>
    /// Ends the challenge as used because another factor (a TOTP code) was accepted: Verified while it is active,
    /// burned or expired; AlreadyUsed or Closed otherwise, so an SMS code and a TOTP code never both win.
    /// </summary>
    public static ChallengeStep<VerifyResult> AcceptOtherFactor(Challenge? challenge) => challenge?.State switch
    {
        null => new(new VerifyResult(VerifyStatus.NotFound)),
        ChallengeState.Used => new(new VerifyResult(VerifyStatus.AlreadyUsed)),
        ChallengeState.Closed => new(new VerifyResult(VerifyStatus.Closed)),
        _ => new(new VerifyResult(VerifyStatus.Verified), challenge with { State = ChallengeState.Used }),
    };

    /// <summary>
    /// Replaces the code with <paramref name="newMac"/> when the challenge can still accept one, resends remain and
    /// the cooldown has passed, in that order; the code's tries start again, the challenge's total does not.
    /// </summary>
    public static ChallengeStep<ReissueResult> Reissue(Challenge? challenge, byte[] newMac, DateTimeOffset now, ChallengeLimits limits)
    {
        if (challenge is null)
        {
            return new(new ReissueResult(ReissueStatus.NotFound));
        }

        if (challenge.State is ChallengeState.Used or ChallengeState.Closed)
        {
            return new(new ReissueResult(ReissueStatus.NotActive, challenge));
        }

        if (challenge.Resends >= limits.MaxResends)
        {
            return new(new ReissueResult(ReissueStatus.LimitReached, challenge));
        }

        if (now < challenge.ResendAvailableAt)
        {
            return new(new ReissueResult(ReissueStatus.TooSoon, challenge));
        }

        // The total failure count survives: a resend gives a new code, never new guesses at the challenge.
        var next = challenge with
        {
            CodeMac = newMac,
            ExpiresAt = now + limits.Lifetime,
            ResendAvailableAt = now + limits.CooldownAfter(challenge.Resends + 1),
            Resends = challenge.Resends + 1,
            CodeFailures = 0,
            State = ChallengeState.Active,
        };
        return new(new ReissueResult(ReissueStatus.Reissued, next), next);
    }

    /// <summary>
    /// What <see cref="Reissue"/> would refuse with now (NotFound, NotActive, LimitReached, TooSoon), or null when it
    /// would issue a new code. Read only: lets a caller refuse before spending anything else on a code that cannot come.
    /// </summary>
    public static ReissueResult? ReissueRefusal(Challenge? challenge, DateTimeOffset now, ChallengeLimits limits) =>
        Reissue(challenge, [], now, limits).Result is { Status: not ReissueStatus.Reissued } refused ? refused : null;

    /// <summary>Resends left on the challenge (never negative).</summary>
    public static int ResendsRemaining(Challenge challenge, ChallengeLimits limits) => Math.Max(0, limits.MaxResends - challenge.Resends);

    /// <summary>
    /// Stops the challenge from accepting anything (cancel, or a code issued by another route). False when a code
    /// was already accepted: whatever it authorised is under way and wins. True for no challenge: nothing can be accepted.
    /// </summary>
    public static ChallengeStep<bool> Close(Challenge? challenge) => challenge?.State switch
    {
        null => new(true),
        ChallengeState.Used => new(false),
        ChallengeState.Closed => new(true),
        _ => new(true, challenge with { State = ChallengeState.Closed }),
    };

    /// <summary>
    /// What <see cref="Verify"/> would answer without evaluating any code (AlreadyUsed, Closed, NotFound, and Burned or
    /// Expired when <paramref name="countWhileInactive"/> is false), or null while a code could still be evaluated.
    /// Read only: used while a try waits for its wrong-code budget.
    /// </summary>
    public static VerifyResult? Settled(Challenge? challenge, DateTimeOffset now, bool countWhileInactive) => challenge switch
    {
        null => new VerifyResult(VerifyStatus.NotFound),
        { State: ChallengeState.Used } => new VerifyResult(VerifyStatus.AlreadyUsed),
        { State: ChallengeState.Closed } => new VerifyResult(VerifyStatus.Closed),
        _ when countWhileInactive => null,
        { State: ChallengeState.Burned } => new VerifyResult(VerifyStatus.Burned),
        _ when now >= challenge.ExpiresAt => new VerifyResult(VerifyStatus.Expired),
        _ => null,
    };
}
