namespace Recovery.AuthServer.Operations;

/// <summary>An operation awaiting the customer's signature (today: a password change).</summary>
public sealed record OperationRecord
{
    public required string Id { get; init; }

    /// <summary>8 digits, unique among open operations; how the call centre finds it.</summary>
    public required string Reference { get; init; }

    public required string CustomerId { get; init; }

    /// <summary>The text the customer approves, as shown and as sent in the SMS.</summary>
    public required string Description { get; init; }

    public required string PhoneLastDigits { get; init; }

    /// <summary>Argon2id PHC string of the new password; in force only once signed.</summary>
    public required string PendingPasswordHash { get; init; }

    /// <summary>The credential version this change applies to; any other change first makes it stale.</summary>
    public required long CredentialVersion { get; init; }

    /// <summary>Keyed hash of the change ticket that opened it, revoked on signature.</summary>
    public required string TicketHash { get; init; }

    public required string Language { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>After this it cannot be signed and may be dropped.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    public OperationState State { get; init; } = OperationState.Pending;

    /// <summary>Card checks the call-centre path has used for this operation (see IOperationStore.TryTakeCardCheckAsync).</summary>
    public int CardChecksUsed { get; init; }
}
