using Recovery.AuthServer.Storage;

namespace Recovery.AuthServer.Customers;

/// <summary>What support may know of a customer's credentials: states and counts, no secret.</summary>
public sealed record CustomerStatus(
    string CustomerId,
    string UserCode,
    CredentialState State,
    bool HasPassword,
    DateTimeOffset? TemporaryPasswordExpiresAt,
    int FailedLogins,
    DateTimeOffset? RecoveryBlockedUntil,
    int CardCount);
