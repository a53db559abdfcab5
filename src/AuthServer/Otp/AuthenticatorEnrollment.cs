namespace Recovery.AuthServer.Otp;

/// <summary>
/// A pending enrolment as shown to the customer once: the secret (base32) and the otpauth:// URI
/// that carries it. Neither is stored in clear nor logged.
/// </summary>
public sealed record AuthenticatorEnrollment(string Id, string Secret, string OtpauthUri, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"AuthenticatorEnrollment {{ ExpiresAt = {ExpiresAt:O} (secret hidden) }}";
}
