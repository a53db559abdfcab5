namespace Recovery.AuthServer.Customers;

/// <summary>A customer's online-banking credentials. Secrets only as Argon2id PHC strings or keyed hashes.</summary>
public sealed record CredentialRecord
{
    public required string CustomerId { get; init; }

    /// <summary>Argon2id PHC string of the password in force; null while only a temporary password exists.</summary>
    public string? PasswordHash { get; init; }

    public CredentialState State { get; init; } = CredentialState.Active;

    public int FailedLogins { get; init; }

    /// <summary>HMAC of the temporary password from a recovery. Random and long, so Argon2 adds nothing.</summary>
    public byte[]? TemporaryPasswordMac { get; init; }

    public DateTimeOffset? TemporaryPasswordExpiresAt { get; init; }

    /// <summary>PHC strings of earlier passwords, newest first.</summary>
    public IReadOnlyList<string> History { get; init; } = [];

    /// <summary>
    /// Set by a signed password change, cleared by the next granted login (and by a restore): the customer's recovery
    /// has been paid for (SMS codes, a temporary password, a signature) and has not yet reached a session, so the
    /// hashing gate serves this login's verify as paid work (<c>Passwords.HashPriority.Paid</c>).
    /// </summary>
    public bool FirstLoginPending { get; init; }

    /// <summary>Bumped by every change; an operation signed against an older version is stale.</summary>
    public long Version { get; init; }

    /// <summary>While set and in the future, StartRecovery for this customer is silently refused.</summary>
    public DateTimeOffset? RecoveryBlockedUntil { get; init; }

    /// <summary>How many times the recovery procedure was blocked; each block lasts longer.</summary>
    public int RecoveryLockouts { get; init; }
}
