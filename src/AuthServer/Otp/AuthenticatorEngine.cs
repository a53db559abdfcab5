using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OtpNet;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Otp;

/// <summary>
/// Authenticator apps (RFC 6238 TOTP, SHA-1, 6 digits, 30 s): enrolment, confirmation with a current
/// code, and use of a code to sign. Replay is refused by remembering the last used time step per
/// customer; the store advances it with one atomic check-and-set.
/// </summary>
public sealed class AuthenticatorEngine(IAuthenticatorStore store, AuthenticatorSecretProtector protector, IRandomSource random, IOptions<OtpOptions> options, TimeProvider time)
{
    // 160 bits: RFC 4226 §4 recommends it for HMAC-SHA-1, and every app accepts it.
    private const int SecretBytes = 20;

    /// <summary>
    /// Starts an enrolment unless the last one, still pending, was started less than <paramref name="cooldown"/>
    /// ago; then returns no enrolment and when a new one may start. Checked and saved in one atomic step.
    /// </summary>
    public async Task<(AuthenticatorEnrollment? Enrollment, DateTimeOffset AllowedAt)> EnrollAsync(string customerId, string accountName, TimeSpan cooldown, CancellationToken cancellationToken)
    {
        var (enrollment, save) = await EnrollAsync(customerId, Task.FromResult<string?>(accountName), cooldown, null, cancellationToken);
        return (enrollment, save.Status == PendingSaveStatus.TooSoon ? save.AllowedAt : time.GetUtcNow());
    }

    /// <summary>
    /// <see cref="EnrollAsync(string, string, TimeSpan, CancellationToken)"/> for a session opened at credentials version
    /// <paramref name="credentialVersion"/>: the save (one atomic step) also requires the credentials at that version,
    /// so that the caller can send it in the same round trip as its own reads of the customer. The otpauth URI's
    /// account, <paramref name="accountName"/>, comes from one of those reads; the enrolment is returned only when saved
    /// with an account to show (null: the customer is gone, and the caller refuses the session anyway).
    /// </summary>
    public async Task<(AuthenticatorEnrollment? Enrollment, PendingSave Save)> EnrollAsync(
        string customerId, Task<string?> accountName, TimeSpan cooldown, long? credentialVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountName);
        var o = options.Value;
        var now = time.GetUtcNow();
        var secret = new byte[SecretBytes];
        random.Fill(secret);
        try
        {
            var id = Tokens.New(random);
            var pending = new Authenticator
            {
                Id = id,
                CustomerId = customerId,
                ProtectedSecret = protector.Protect(secret, customerId, id),
                CreatedAt = now,
                ExpiresAt = now + o.AuthenticatorEnrollmentLifetime,
            };
            var saving = store.SavePendingAsync(pending, cooldown, credentialVersion, cancellationToken);
            await Task.WhenAll(saving, accountName);
            var save = await saving;
            if (save.Status != PendingSaveStatus.Saved || await accountName is not { } account)
            {
                return (null, save);
            }

            var base32 = Base32Encoding.ToString(secret).TrimEnd('=');
            return (new AuthenticatorEnrollment(id, base32, OtpauthUri(o.TotpIssuer, account, base32), pending.ExpiresAt.Value), save);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The customer's pending enrolment, or null if none (or it lapsed).</summary>
    public Task<Authenticator?> GetPendingAsync(string customerId, CancellationToken cancellationToken) =>
        store.GetPendingAsync(customerId, time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Checks <paramref name="code"/> against the pending enrolment without changing anything: the time
    /// step it matches, or null. Confirmation is a separate step (<see cref="CompleteAsync"/>), so that a
    /// second factor can be checked in between without a right app code being spent.
    /// </summary>
    public long? MatchPending(Authenticator pending, string code) => Match(pending, code);

    /// <summary>
    /// The time step <paramref name="code"/> matches for <paramref name="authenticator"/> within the window, or null; uses
    /// nothing (a caller uses the step in a store step of its own, e.g. <c>IOperationStore.UseAppStepAsync</c>, atomically
    /// with what it decides).
    /// </summary>
    public long? Match(Authenticator authenticator, string code)
    {
        var step = FindStep(authenticator, code, time.GetUtcNow());
        return step >= 0 ? step : null;
    }

    /// <summary>
    /// Atomically, for <paramref name="pending"/>: with a <paramref name="matchedStep"/>, makes it the
    /// confirmed authenticator with that step used (Verified); without, counts a wrong code (Incorrect, or
    /// Closed when too many discard the enrolment). NotFound if it is no longer the pending enrolment.
    /// </summary>
    public Task<VerifyResult> CompleteAsync(Authenticator pending, long? matchedStep, CancellationToken cancellationToken) =>
        store.ConfirmAsync(pending.CustomerId, pending.Id, matchedStep, options.Value.MaxFailuresPerChallenge, time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// With a right app code (<paramref name="matchedStep"/>), the enrolment's SMS code as one try of
    /// <see cref="ConfirmWithSmsCodeAsync"/>: the try's token in the customer's <paramref name="scope"/> (at most
    /// <paramref name="wrongCodeLimit"/> wrong codes in <see cref="OtpOptions.WrongCodeWindow"/>), the code's MAC
    /// (<paramref name="presentedMac"/>) for <paramref name="challengeId"/>, and the id of the change the try is, new for
    /// each try (a wrong code settles its own as dropped), under which the caller holds the confirmation's e-mail first.
    /// </summary>
    public EnrollmentSmsCode SmsCodeTry(
        Authenticator pending, long matchedStep, string challengeId, byte[] presentedMac, ChallengeLimits limits, string scope, int wrongCodeLimit)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var o = options.Value;
        var token = Tokens.New(random);
        return new EnrollmentSmsCode
        {
            CustomerId = pending.CustomerId,
            EnrollmentId = pending.Id,
            MatchedStep = matchedStep,
            MaxEnrollmentFailures = o.MaxFailuresPerChallenge,
            ChallengeId = challengeId,
            PresentedMac = presentedMac,
            Limits = limits,
            Scope = scope,
            Token = token,
            WrongCodeLimit = wrongCodeLimit,
            Window = o.WrongCodeWindow,
            Now = time.GetUtcNow(),
            ChangeId = "authn:" + pending.Id + ":" + token,
        };
    }

    /// <summary>
    /// <paramref name="code"/> as one atomic step: the try taken before the code is evaluated, then settled, and only
    /// with a right code the enrolment confirmed, the outcome recorded as the try's change (see
    /// <see cref="IAuthenticatorStore.ConfirmWithSmsCodeAsync"/>).
    /// </summary>
    public Task<(CodeTry Sms, VerifyResult? Enrolment)> ConfirmWithSmsCodeAsync(EnrollmentSmsCode code, CancellationToken cancellationToken) =>
        store.ConfirmWithSmsCodeAsync(code, cancellationToken);

    public async Task<bool> HasConfirmedAsync(string customerId, CancellationToken cancellationToken) =>
        await store.GetConfirmedAsync(customerId, cancellationToken) is not null;

    /// <summary>Checks <paramref name="code"/> as a TOTP code of the customer's confirmed authenticator and, if it is one, uses its step.</summary>
    public async Task<TotpUse> UseAsync(string customerId, string code, CancellationToken cancellationToken) =>
        await UseAsync(await store.GetConfirmedAsync(customerId, cancellationToken), code, cancellationToken);

    /// <summary>
    /// The customer's confirmed authenticator as stored (its secret sealed), or null: read on its own so that a caller
    /// can send the read beside other work (one round trip) and evaluate a code later with
    /// <see cref="UseAsync(Authenticator?, string, CancellationToken)"/>. Reading evaluates nothing.
    /// </summary>
    public Task<Authenticator?> GetConfirmedAsync(string customerId, CancellationToken cancellationToken) =>
        store.GetConfirmedAsync(customerId, cancellationToken);

    /// <summary>
    /// As <see cref="UseAsync(string, string, CancellationToken)"/> with the authenticator already read by
    /// <see cref="GetConfirmedAsync"/>. The use of the step is still one atomic check-and-set on the stored
    /// authenticator: one replaced or removed since the read uses nothing.
    /// </summary>
    public Task<TotpUse> UseAsync(Authenticator? authenticator, string code, CancellationToken cancellationToken) =>
        UseAsync(authenticator, code, unit: null, cancellationToken);

    /// <summary>
    /// As <see cref="UseAsync(Authenticator?, string, CancellationToken)"/>, for a code tried under the wrong-code
    /// <paramref name="unit"/> (in the customer's group, <see cref="CustomerScopes"/>): a code that matches a time step,
    /// used now or replayed, gives the unit back uncounted in the same atomic step as the step's use
    /// (<see cref="IAuthenticatorStore.TryUseStepAndGiveBackAsync"/>); a code that matches none leaves it held.
    /// </summary>
    public async Task<TotpUse> UseAsync(Authenticator? authenticator, string code, WrongCodeUnit? unit, CancellationToken cancellationToken)
    {
        if (authenticator is null)
        {
            return TotpUse.NotEnrolled;
        }

        var step = FindStep(authenticator, code, time.GetUtcNow());
        if (step < 0)
        {
            return TotpUse.Incorrect;
        }

        if (unit is null)
        {
            return await store.TryUseStepAsync(authenticator.CustomerId, authenticator.Id, step, cancellationToken) ? TotpUse.Accepted : TotpUse.Replayed;
        }

        // Not cancellable: the step's use and the unit's return are one step, which a client hanging up must not split.
        var used = await store.TryUseStepAndGiveBackAsync(authenticator.CustomerId, authenticator.Id, step, unit, time.GetUtcNow(), CancellationToken.None);
        unit.MarkGivenBack();
        return used ? TotpUse.Accepted : TotpUse.Replayed;
    }

    private long FindStep(Authenticator authenticator, string code, DateTimeOffset now)
    {
        // A secret that does not decrypt (tampered, or another key) is a failed check, not a crash.
        var secret = protector.Unprotect(authenticator.ProtectedSecret, authenticator.CustomerId, authenticator.Id);
        if (secret is null)
        {
            return -1;
        }

        try
        {
            return TotpCode.FindStep(secret, code, TotpCode.StepAt(now), options.Value.TotpWindowSteps);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static string OtpauthUri(string issuer, string account, string base32Secret)
    {
        // Key URI format (google-authenticator wiki): label "issuer:account", issuer repeated as a parameter.
        var i = Uri.EscapeDataString(issuer);
        return $"otpauth://totp/{i}:{Uri.EscapeDataString(account)}?secret={base32Secret}&issuer={i}&algorithm=SHA1&digits={TotpCode.Digits}&period={(int)TotpCode.Step.TotalSeconds}";
    }
}
