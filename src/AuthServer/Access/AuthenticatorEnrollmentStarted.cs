using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Access;

/// <summary>A pending enrolment and where its SMS code went (masked as the seed shows phones).</summary>
public sealed record AuthenticatorEnrollmentStarted(AuthenticatorEnrollment Enrollment, string MaskedPhone);
