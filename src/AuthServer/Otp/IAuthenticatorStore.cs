namespace Recovery.AuthServer.Otp;

/// <summary>
/// Authenticator apps per customer: at most one pending enrolment and one confirmed authenticator.
/// Every state change is one atomic check-and-set (one Lua script on Redis), so parallel calls can
/// neither confirm twice nor accept the same TOTP step twice.
/// </summary>
public interface IAuthenticatorStore
{
    /// <summary>
    /// Stores a pending enrolment, replacing any earlier pending one (the confirmed one stays until this is
    /// confirmed), unless an earlier one, still valid, was created less than <paramref name="cooldown"/> before
    /// this one: then nothing changes and the answer is TooSoon with when a new one may be stored.
    /// Check and save are one atomic step, so parallel enrolments cannot all pass the cooldown (each sends an SMS).
    /// </summary>
    /// <param name="credentialVersion">
    /// When given, the save also requires the customer's credentials to be at this version (the one the caller's
    /// session was opened at), else StaleCredentials and nothing changes: a session that a recovery or a password
    /// change has ended must not replace the customer's enrolment even when its own read of the credentials is sent
    /// in the same round trip as this save (on Redis the check is in the save's script, in the customer's slot).
    /// </param>
    Task<PendingSave> SavePendingAsync(Authenticator pending, TimeSpan cooldown, long? credentialVersion, CancellationToken cancellationToken);

    /// <summary>The pending enrolment, or null if none or lapsed at <paramref name="now"/>.</summary>
    Task<Authenticator?> GetPendingAsync(string customerId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Authenticator?> GetConfirmedAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically, for the pending enrolment <paramref name="enrollmentId"/>: with a
    /// <paramref name="matchedStep"/>, makes it the confirmed authenticator with that step already used
    /// (Verified); without, counts a failure and discards the enrolment at <paramref name="maxFailures"/>
    /// (Incorrect, or Closed with JustClosed). NotFound if that enrolment is no longer pending.
    /// </summary>
    Task<VerifyResult> ConfirmAsync(string customerId, string enrollmentId, long? matchedStep, int maxFailures, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The SMS-code half of a confirmation whose app code was right, as one atomic step (one Lua script in the
    /// customer's slot on Redis): what <see cref="WrongCodeBudget.TryAsync"/> does with the ledger and the challenge,
    /// then <see cref="ConfirmAsync"/> with the matched step. The try is taken from <see cref="EnrollmentSmsCode.Scope"/>
    /// before the code is evaluated: when the scope is full nothing is evaluated and the challenge is closed
    /// (Exhausted). Otherwise the code is verified against the challenge, the try settled (kept only when counted,
    /// closing the challenge when it fills the scope: JustFilled), and only with a verified code is the enrolment
    /// confirmed (Enrolment: Verified, or NotFound when a newer enrolment replaced it meanwhile; null when not tried).
    /// The same step records <see cref="EnrollmentSmsCode.ChangeId"/> in the customer's memory of changes (the fence that
    /// <c>ICustomerStore.SettleChangeAsync</c> reads): applied when the enrolment was confirmed, dropped otherwise, and
    /// announces it to the outbox's dispatchers, so that the e-mail held under that id is released or deleted without
    /// another call. A change already settled (a dispatcher decided it dropped first) is refused: the step throws
    /// <c>StorageUnavailableException</c> having changed nothing.
    /// </summary>
    Task<(CodeTry Sms, VerifyResult? Enrolment)> ConfirmWithSmsCodeAsync(EnrollmentSmsCode code, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="timeStep"/> as used if it is later than the last used step of the confirmed
    /// authenticator <paramref name="authenticatorId"/>; false (nothing changed) for a replay or if that
    /// authenticator is no longer the confirmed one.
    /// </summary>
    Task<bool> TryUseStepAsync(string customerId, string authenticatorId, long timeStep, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryUseStepAsync"/>, and <paramref name="unit"/> given back uncounted (WrongCodeRules.Settle, not counted)
    /// in the same atomic step whether the step was used or refused as a replay: a code that matched a time step is
    /// never a wrong code. The unit's scopes must be in the customer's group (<c>{c:&lt;customer id&gt;}…</c>,
    /// <see cref="Common.GroupedId"/>), kept beside the authenticator (on Redis, one slot).
    /// </summary>
    Task<bool> TryUseStepAndGiveBackAsync(string customerId, string authenticatorId, long timeStep, WrongCodeUnit unit, DateTimeOffset now, CancellationToken cancellationToken);
}
