using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Sessions;

namespace Recovery.AuthServer.Access;

/// <summary>
/// Enrolment of an authenticator app (TOTP) as a second way to sign, within a Login session. Adding a
/// signing factor is itself strongly authenticated: the password opened the session, and confirming
/// needs both a code from the new app and an SMS code, bound to this enrolment, sent to the registered
/// phone. A phished password alone cannot bind an attacker's app.
/// </summary>
public sealed class AuthenticatorFlow(
    ICustomerStore customers,
    ISessionStore sessions,
    AuthenticatorEngine authenticators,
    OtpEngine otp,
    INotificationOutbox outbox,
    CredentialChanges changes,
    NotificationTexts texts,
    IAuditLog audit,
    SecretKeys keys,
    IOptions<OtpOptions> otpOptions,
    TimeProvider time)
{
    public async Task<Outcome<AuthenticatorEnrollmentStarted>> EnrollAsync(string sessionToken, CallerContext caller, CancellationToken cancellationToken)
    {
        // Three round trips on Redis: the session; its customer's profile and credentials with the enrolment's save; the
        // code's challenge with its SMS.
        if (await SessionAsync(sessionToken, cancellationToken) is not { } session)
        {
            audit.Record(new AuditEvent("access.enroll_authenticator", "session_invalid", caller.Channel));
            return SessionInvalid();
        }

        // Before the save, which travels with the reads: an enrolment that could not send its SMS must not start.
        outbox.EnsureRoomFor(1);

        // Each enrolment sends an SMS: a session may start a new one only once the resend cooldown of the last
        // has passed. The store checks the cooldown and saves the new enrolment in one atomic step, so parallel
        // enrolments cannot all pass the check (one SMS, not one per call). That step also requires the credentials at
        // the session's version: it is sent beside the reads that would tell a session ended by a recovery or a password
        // change, so it must refuse such a session itself rather than replace the customer's pending enrolment.
        // Nothing changes for the customer yet: the enrolment is pending until the app's code and the SMS code prove it.
        var customerTask = customers.GetAsync(session.CustomerId, cancellationToken);
        var credentialsTask = customers.GetCredentialsAsync(session.CustomerId, cancellationToken);
        var enrolling = authenticators.EnrollAsync(session.CustomerId, UserCodeAsync(customerTask), otpOptions.Value.ResendCooldown, session.CredentialVersion, cancellationToken);
        await Task.WhenAll(customerTask, credentialsTask, enrolling);
        var (customer, credentials, (enrollment, save)) = (await customerTask, await credentialsTask, await enrolling);
        if (customer is null || !SessionRules.IsAtVersion(session.CredentialVersion, credentials?.Version) || save.Status == PendingSaveStatus.StaleCredentials)
        {
            audit.Record(new AuditEvent("access.enroll_authenticator", "session_invalid", caller.Channel));
            return SessionInvalid();
        }

        if (save.Status == PendingSaveStatus.TooSoon || enrollment is null)
        {
            audit.Record(new AuditEvent("access.enroll_authenticator", "too_soon", caller.Channel, customer.Id));
            return new Failure(FailureKind.ResourceExhausted, ErrorReasons.ResendTooSoon, "A new enrolment (and its SMS) can be requested a little later.")
            {
                RetryAfter = save.AllowedAt - time.GetUtcNow(),
            };
        }

        // The code's challenge and its SMS in one round trip (as StartRecovery sends its own): if the challenge's write
        // fails, the SMS carries a code that verifies nothing and the call answers the failure.
        var (issued, stored) = otp.Issue(ChallengeId(customer.Id, enrollment.Id), Binding(customer.Id, enrollment.Id), TotpCode.Digits, deliverable: true, cancellationToken);
        var sending = outbox.EnqueueAsync(texts.AuthenticatorCodeSms(customer.Phone, issued.Code, otpOptions.Value.CodeLifetime, Languages.FromTag(customer.Language)), cancellationToken).AsTask();
        await Task.WhenAll(stored, sending);
        audit.Record(new AuditEvent("access.enroll_authenticator", "pending", caller.Channel, customer.Id));
        return new AuthenticatorEnrollmentStarted(enrollment, Masking.Phone(customer.Phone));
    }

    public async Task<Outcome<DateTimeOffset>> ConfirmAsync(string sessionToken, string code, string smsCode, CallerContext caller, CancellationToken cancellationToken)
    {
        // The pending enrolment is read with the session's customer (one round trip); it is used only if the
        // session is still valid.
        if (await CustomerOfSessionAsync(sessionToken, id => authenticators.GetPendingAsync(id, cancellationToken), cancellationToken) is not { } holder)
        {
            audit.Record(new AuditEvent("access.confirm_authenticator", "session_invalid", caller.Channel));
            return SessionInvalid();
        }

        var (customer, pending) = holder;

        // Checked before the codes, so that a confirmation is never refused for lack of room after it took effect.
        outbox.EnsureRoomFor(1);

        if (pending is null)
        {
            audit.Record(new AuditEvent("access.confirm_authenticator", "not_pending", caller.Channel, customer.Id));
            return NotPending();
        }

        // The app's code first, without spending it: a mistyped app code costs an attempt on the
        // enrolment, never the SMS code. Only with a right app code is the SMS code checked (and spent).
        var step = authenticators.MatchPending(pending, code);
        if (step is null)
        {
            var wrong = await authenticators.CompleteAsync(pending, null, cancellationToken);
            audit.Record(new AuditEvent("access.confirm_authenticator", "app_code_" + wrong.Status, caller.Channel, customer.Id));
            return wrong.Status == VerifyStatus.NotFound ? NotPending() : CodeOutcomes.ForVerify(wrong, "code", ErrorReasons.AuthenticatorNotPending);
        }

        // SMS codes also count per customer over every enrolment: re-enrolling gives a new code with tries of its own,
        // never new ones for the customer. The try is taken before the code is evaluated, then settled, and the enrolment
        // confirmed only with a right code: one atomic step in the customer's slot (one round trip on Redis), the
        // challenge and the customer's ledger scope both carrying the customer's tag.
        // The customer also hears of the new signing factor by e-mail, a channel neither the password nor the phone
        // controls, sent if and only if the enrolment was confirmed: it is held beside the step, in the same round trip,
        // under the try's change id; the step records that change applied (confirmed) or dropped (anything else) and
        // announces it, which releases or deletes the e-mail with no round trip of the call's (docs/architecture.md,
        // "All or nothing"). A hold refused by a full outbox costs one more trip only when the step confirmed.
        var smsTry = authenticators.SmsCodeTry(
            pending,
            step.Value,
            ChallengeId(customer.Id, pending.Id),
            otp.PresentedMac(Binding(customer.Id, pending.Id), smsCode),
            otp.Limits,
            EnrollmentCodesScope(customer.Id),
            otpOptions.Value.MaxWrongEnrollmentCodes);
        var (attempt, result) = await changes.ApplyBesideHoldAsync(
            customer.Id,
            smsTry.ChangeId,
            [texts.AuthenticatorAddedEmail(customer.Email, customer.DisplayName, Languages.FromTag(customer.Language))],
            change => authenticators.ConfirmWithSmsCodeAsync(smsTry, change),
            confirmed => confirmed.Enrolment?.Status == VerifyStatus.Verified);
        var sms = attempt.Result;
        if (attempt.Exhausted || attempt.JustFilled)
        {
            // This enrolment's code is dead (the step closed it), and the next enrolments' too until a try frees up.
            audit.Record(new AuditEvent("access.confirm_authenticator", attempt.Exhausted ? "wrong_codes_exhausted" : "wrong_codes_filled", caller.Channel, customer.Id));
            return CodeOutcomes.ForVerify(new VerifyResult(VerifyStatus.Closed), "sms_code", ErrorReasons.AuthenticatorNotPending);
        }

        if (sms.Status != VerifyStatus.Verified)
        {
            audit.Record(new AuditEvent("access.confirm_authenticator", "sms_code_" + sms.Status, caller.Channel, customer.Id));
            return sms.Status == VerifyStatus.NotFound ? NotPending() : CodeOutcomes.ForVerify(sms, "sms_code", ErrorReasons.AuthenticatorNotPending);
        }

        audit.Record(new AuditEvent("access.confirm_authenticator", (result?.Status ?? VerifyStatus.NotFound).ToString(), caller.Channel, customer.Id));
        if (result?.Status != VerifyStatus.Verified)
        {
            // Replaced by a newer enrolment between the checks: this one no longer exists (and nothing was sent).
            return NotPending();
        }

        return time.GetUtcNow();
    }

    // Both open with the customer's hash tag, so that on Redis the challenge and the ledger scope sit in the customer's
    // slot beside the enrolment (the SMS-code step is one script there). The customer id is already in the customer's
    // keys; neither reaches a caller.
    private static string ChallengeId(string customerId, string enrollmentId) => GroupedId.Of("authn:" + enrollmentId, "c:" + customerId);

    private static string EnrollmentCodesScope(string customerId) => GroupedId.Of("en", "c:" + customerId);

    private static byte[] Binding(string customerId, string enrollmentId) => OtpEngine.Binding("authenticator-enrollment", customerId, enrollmentId);

    private static Failure NotPending() =>
        new(FailureKind.FailedPrecondition, ErrorReasons.AuthenticatorNotPending, "No authenticator enrolment is pending; call EnrollAuthenticator first.");

    /// <summary>
    /// The session's customer, with <paramref name="alongside"/> (given the customer id) read in the same round trip
    /// as the customer's profile and credentials; null if the session is unknown, expired or from an earlier version.
    /// </summary>
    private async Task<(CustomerRecord Customer, T Alongside)?> CustomerOfSessionAsync<T>(string token, Func<string, Task<T>> alongside, CancellationToken cancellationToken)
    {
        var session = await SessionAsync(token, cancellationToken);
        if (session is null)
        {
            return null;
        }

        // A session works only at the credentials version it was opened at (SessionRules.IsAtVersion).
        var customerTask = customers.GetAsync(session.CustomerId, cancellationToken);
        var credentialsTask = customers.GetCredentialsAsync(session.CustomerId, cancellationToken);
        var alongsideTask = alongside(session.CustomerId);
        await Task.WhenAll(customerTask, credentialsTask, alongsideTask);
        var (customer, credentials) = (await customerTask, await credentialsTask);
        return customer is not null && SessionRules.IsAtVersion(session.CredentialVersion, credentials?.Version)
            ? (customer, await alongsideTask)
            : null;
    }

    /// <summary>The session of <paramref name="token"/> if it is live (its credentials version is the caller's to check).</summary>
    private Task<SessionRecord?> SessionAsync(string token, CancellationToken cancellationToken) =>
        sessions.GetSessionAsync(SessionTokens.SessionHash(keys, token), time.GetUtcNow(), cancellationToken);

    private static async Task<string?> UserCodeAsync(Task<CustomerRecord?> customer) => (await customer)?.UserCode;

    private static Failure SessionInvalid() =>
        new(FailureKind.Unauthenticated, ErrorReasons.SessionInvalid, "The session is unknown or has expired; log in again.");
}
