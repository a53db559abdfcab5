namespace Recovery.AuthServer.Recovery;

/// <summary>
/// An open recovery. <see cref="CustomerId"/> is null for a decoy (unknown or mismatched card): the
/// decoy is stored and answered exactly like a real one, but nothing is ever sent for it.
/// </summary>
public sealed record RecoveryRecord
{
    public required string Id { get; init; }

    public string? CustomerId { get; init; }

    /// <summary>Keyed hash of the card it was opened with; blocks apply per card, decoy or not.</summary>
    public required string CardHash { get; init; }

    /// <summary>
    /// Keyed hash of the identity document given with the card: wrong codes are counted per document too, so
    /// several cards of one customer (who share a document) share one budget. Null on records made before it was kept.
    /// </summary>
    public string? DocumentHash { get; init; }

    /// <summary>BCP 47 tag of the language the customer chose at step 1.</summary>
    public required string Language { get; init; }

    public required string Channel { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>After this the record may be dropped; well past the last possible code.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    public RecoveryState State { get; init; } = RecoveryState.Open;
}
