namespace Recovery.AuthServer.Otp;

/// <summary>
/// An enrolment's SMS code presented with a right app code, with all that
/// <see cref="IAuthenticatorStore.ConfirmWithSmsCodeAsync"/> needs to take the wrong-code try, evaluate the code,
/// settle the try and confirm the enrolment in one atomic step. On Redis that step is one script in the customer's
/// slot, so <see cref="ChallengeId"/> and <see cref="Scope"/> open with the customer's hash tag <c>{c:&lt;customerId&gt;}</c>.
/// </summary>
public sealed record EnrollmentSmsCode : SmsCodeTry
{
    public required string CustomerId { get; init; }

    public required string EnrollmentId { get; init; }

    /// <summary>The time step the app's code matched (<see cref="AuthenticatorEngine.MatchPending"/>), used once confirmed.</summary>
    public required long MatchedStep { get; init; }

    /// <summary>Wrong app codes that discard the enrolment (as in <see cref="IAuthenticatorStore.ConfirmAsync"/>).</summary>
    public required int MaxEnrollmentFailures { get; init; }

    /// <summary>
    /// The change this step is, one per try: the confirmation's e-mail is held under it beside the step, which records it
    /// in the customer's slot as applied (the enrolment confirmed) or dropped (anything else) and refuses to run if it
    /// was settled already (docs/architecture.md, "All or nothing").
    /// </summary>
    public required string ChangeId { get; init; }
}
