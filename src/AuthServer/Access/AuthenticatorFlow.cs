using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage;

namespace Recovery.AuthServer.Access;

/// <summary>Enrolment of an authenticator app (TOTP) as a second way to sign, within a Login session.</summary>
public sealed class AuthenticatorFlow(
    ICustomerStore customers,
    ISessionStore sessions,
    AuthenticatorEngine authenticators,
    INotificationOutbox outbox,
    IAuditLog audit,
    SecretKeys keys,
    TimeProvider time)
{
    public async Task<Outcome<AuthenticatorEnrollment>> EnrollAsync(string sessionToken, CallerContext caller, CancellationToken cancellationToken)
    {
        var customer = await CustomerOfSessionAsync(sessionToken, cancellationToken);
        if (customer is null)
        {
            audit.Record(new AuditEvent("access.enroll_authenticator", "session_invalid", caller.Channel));
            return SessionInvalid();
        }

        // Nothing changes for the customer yet: the enrolment is pending until a code proves the app holds the secret.
        var enrollment = await authenticators.EnrollAsync(customer.Id, customer.UserCode, cancellationToken);
        audit.Record(new AuditEvent("access.enroll_authenticator", "pending", caller.Channel, customer.Id));
        return enrollment;
    }

    public async Task<Outcome<DateTimeOffset>> ConfirmAsync(string sessionToken, string code, CallerContext caller, CancellationToken cancellationToken)
    {
        var customer = await CustomerOfSessionAsync(sessionToken, cancellationToken);
        if (customer is null)
        {
            audit.Record(new AuditEvent("access.confirm_authenticator", "session_invalid", caller.Channel));
            return SessionInvalid();
        }

        // Checked before the code, so that a confirmation is never refused for lack of room after it took effect.
        if (!outbox.HasRoomFor(1))
        {
            return Failure.Overloaded("Message delivery");
        }

        var result = await authenticators.ConfirmAsync(customer.Id, code, cancellationToken);
        audit.Record(new AuditEvent("access.confirm_authenticator", result.Status.ToString(), caller.Channel, customer.Id));
        switch (result.Status)
        {
            case VerifyStatus.Verified:
                // A password alone opened this session, so the customer hears of the new signing factor
                // on a channel the password does not control.
                await outbox.EnqueueAsync(NotificationTemplates.AuthenticatorAddedEmail(customer.Email, customer.DisplayName, Languages.FromTag(customer.Language)), cancellationToken);
                return time.GetUtcNow();
            case VerifyStatus.NotFound:
                return new Failure(FailureKind.FailedPrecondition, ErrorReasons.AuthenticatorNotPending, "No authenticator enrolment is pending; call EnrollAuthenticator first.");
            default:
                return CodeOutcomes.ForVerify(result, "code", ErrorReasons.AuthenticatorNotPending);
        }
    }

    private async Task<CustomerRecord?> CustomerOfSessionAsync(string token, CancellationToken cancellationToken)
    {
        var session = await sessions.GetSessionAsync(AccessFlow.TokenHash(keys, "session", token), time.GetUtcNow(), cancellationToken);
        return session is null ? null : await customers.GetAsync(session.CustomerId, cancellationToken);
    }

    private static Failure SessionInvalid() =>
        new(FailureKind.Unauthenticated, ErrorReasons.SessionInvalid, "The session is unknown or has expired; log in again.");
}
