namespace Recovery.AuthServer.Otp;

public sealed record CodeResent(DateTimeOffset CodeExpiresAt, DateTimeOffset ResendAvailableAt, int ResendsRemaining);
