namespace Recovery.AuthServer.Recovery;

public sealed record RecoveryConfirmed(string MaskedEmail, string MaskedPhone, DateTimeOffset TemporaryPasswordExpiresAt);
