namespace Recovery.AuthServer.Recovery;

public sealed record RecoveryStarted(string RecoveryId, DateTimeOffset CodeExpiresAt, DateTimeOffset ResendAvailableAt, int ResendsRemaining);
