namespace Recovery.AuthServer.Idempotency;

/// <summary>
/// A call's <c>x-idempotency-key</c> claim as a flow carries it when the claim rides the flow's own store steps
/// instead of costing a round trip before the call and one after it. The flow's duties, which keep every promise of a
/// claim taken before the call (docs/configuration.md "Caller metadata"):
/// <list type="number">
/// <item>send the claim (<see cref="Send"/>) first, beside nothing but reads;</item>
/// <item>charge, write or send nothing before it knows it owns the key; if it does not, return
/// <see cref="IdempotencyClaim.NotOwned"/> at once (the interceptor answers in its place: the stored response, in progress, or key reused);</item>
/// <item>send the response (<see cref="CompleteBeside"/>) after its last writes, in the same step, only once every
/// answer of the response is known. If any of those writes fails the call fails, and the interceptor removes the marker
/// after the completion has landed. A response that is true only if a write applies may be sent beside that write
/// under a condition (<see cref="CompleteBesideIf"/>).</item>
/// </list>
/// The flow may return any failure before or after the claim is answered: the interceptor looks at the claim, not at
/// the failure, to decide what the caller gets.
/// </summary>
public sealed class IdempotencyRider<TResult>(IdempotencyClaim claim, Func<TResult, byte[]> serialize)
{
    /// <summary>Sends the claim, once, without waiting for its answer (the interceptor observes it whatever the flow does next).</summary>
    public void Send() => _ = claim.BeginAsync();

    /// <summary>Sends the claim if it was not sent, and answers whether this call owns the key.</summary>
    public async Task<bool> OwnsKeyAsync() => (await claim.BeginAsync()).Status == IdempotencyStatus.New;

    /// <summary>
    /// Sends the call's response to be stored under the key, to be called right after the last writes were sent and before
    /// they are awaited. The task does not fault when the store fails to answer (the call succeeded; the marker then stays
    /// in progress until its TTL).
    /// </summary>
    public Task CompleteBeside(TResult result) => claim.CompleteAsync(serialize(result));

    /// <summary>
    /// As <see cref="CompleteBeside"/>, for a response sent beside the write that decides whether it is true, before that
    /// write has answered (one round trip instead of one more after it): a retry gets it only while
    /// <paramref name="condition"/> holds (<see cref="IIdempotencyConditionCheck"/>), and in progress otherwise. If the
    /// write does not make it true the call must fail, so that the interceptor removes the marker.
    /// </summary>
    public Task CompleteBesideIf(TResult result, string condition) => claim.CompleteAsync(serialize(result), condition);
}
