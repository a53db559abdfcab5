namespace Recovery.AuthServer.Idempotency;

/// <summary>
/// Says whether the condition a response was stored under holds (<see cref="IdempotencyRider{TResult}.CompleteBesideIf"/>).
/// A flow stores its response under a condition when it sends it beside the write that decides whether that response is
/// true, before that write has answered (so that the response costs no round trip of its own); a retry that finds it asks
/// this check, and gets the stored response only if the condition holds.
/// </summary>
public interface IIdempotencyConditionCheck
{
    /// <summary>
    /// Whether <paramref name="condition"/> (as a flow wrote it) holds now. False for a condition this check does not know:
    /// a stored response it cannot vouch for is never answered. Must change nothing a call still running could need.
    /// </summary>
    Task<bool> HoldsAsync(string condition, CancellationToken cancellationToken);
}
