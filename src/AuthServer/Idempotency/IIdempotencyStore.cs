namespace Recovery.AuthServer.Idempotency;

/// <summary>
/// Markers of retried calls, one per (method, channel, client key) scope, known only by the keyed hash of
/// that scope. A marker is first in progress, then holds the serialized response; both live for a TTL.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// In one atomic step: if no marker exists, creates an in-progress one holding
    /// <paramref name="requestHash"/> and answers <see cref="IdempotencyStatus.New"/> (the caller runs the
    /// call); otherwise answers what the existing marker says. A different request hash is
    /// <see cref="IdempotencyStatus.Mismatch"/>, whatever the marker's state.
    /// </summary>
    Task<IdempotencyBegin> TryBeginAsync(string scopeHash, string requestHash, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the response of the call that got <see cref="IdempotencyStatus.New"/>; the marker lives <paramref name="ttl"/> from now.
    /// With a <paramref name="condition"/>, <see cref="TryBeginAsync"/> answers the response with it (the claim checks it:
    /// <see cref="IIdempotencyConditionCheck"/>); without one, the response alone.
    /// </summary>
    Task CompleteAsync(string scopeHash, byte[] response, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken, string? condition = null);

    /// <summary>Removes the marker, so that a retry runs the call again.</summary>
    Task AbandonAsync(string scopeHash, CancellationToken cancellationToken);
}
