using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Idempotency;

/// <summary>
/// One call's claim on its <c>x-idempotency-key</c> scope. The interceptor either begins it before the call runs, or
/// hands it to a flow that sends it beside its own first store step and the response beside its last
/// (<see cref="IdempotencyRider{TResult}"/>), which saves the two round trips a claim and a completion of their own
/// would cost (docs/performance.md "Redis round trips"). Either way the interceptor settles it once the call ends:
/// it answers for a claim the call does not own, removes an owned one whose call failed, and completes an owned one
/// the flow did not. A response the flow stored under a condition (<see cref="IdempotencyRider{TResult}.CompleteBesideIf"/>)
/// is answered to a retry only once <paramref name="conditions"/> says it holds.
/// Not thread-safe: one call uses it, one step at a time.
/// </summary>
public sealed class IdempotencyClaim(
    IIdempotencyStore store,
    string scopeHash,
    string requestHash,
    TimeProvider time,
    TimeSpan ttl,
    IIdempotencyConditionCheck conditions,
    Action completionUnanswered,
    CancellationToken cancellationToken)
{
    private Task<IdempotencyBegin>? begun;
    private Task? completing;

    /// <summary>The answer a retry gets while the call that owns the key still runs (or died running).</summary>
    public static Failure InProgress { get; } = new(FailureKind.Aborted, ErrorReasons.IdempotentCallInProgress,
        "A call with this idempotency key is still running; retry shortly.") { RetryAfter = TimeSpan.FromSeconds(1) };

    /// <summary>The answer to the key used again with a different request.</summary>
    public static Failure KeyReused { get; } = Failure.Invalid(
        [new FieldViolation("x-idempotency-key", "This key was already used with a different request.", ErrorReasons.IdempotencyKeyReused)],
        ErrorReasons.IdempotencyKeyReused);

    /// <summary>
    /// What a riding flow returns when its call does not own the key (<see cref="IdempotencyRider{TResult}"/>). The
    /// interceptor replaces it with the claim's answer; should it ever escape, "in progress, retry" is the safe thing to
    /// have said.
    /// </summary>
    public static Failure NotOwned => InProgress;

    /// <summary>Whether the claim was sent (by the interceptor or by the flow).</summary>
    public bool Started => begun is not null;

    /// <summary>Whether the call's response was sent to the store (by the flow, beside its last writes, or by the interceptor).</summary>
    public bool CompletionStarted => completing is not null;

    /// <summary>
    /// Sends the claim, once (a second call answers the first's task): one atomic step of the store that creates the
    /// marker if there is none and otherwise says what the existing marker holds (<see cref="IIdempotencyStore.TryBeginAsync"/>).
    /// A response stored under a condition is answered <see cref="IdempotencyStatus.Completed"/> only if the condition
    /// holds (one round trip more, on that retry only), and <see cref="IdempotencyStatus.InProgress"/> otherwise.
    /// </summary>
    public Task<IdempotencyBegin> BeginAsync() => begun ??= BeginCoreAsync();

    /// <summary>
    /// Stores the response of the call that owns the claim, once. The task does not fault: a completion the store does
    /// not take is not the call's failure (the work is done); the marker then stays in progress until its TTL, refusing
    /// retries rather than running them twice (the constructor's <c>completionUnanswered</c> says so in the log).
    /// With a <paramref name="condition"/>, a retry gets the response only while it holds (<see cref="BeginAsync"/>).
    /// </summary>
    public Task CompleteAsync(byte[] response, string? condition = null)
    {
        if (begun is not { IsCompletedSuccessfully: true } || begun.Result.Status != IdempotencyStatus.New)
        {
            // Storing a response under a marker this call does not own would answer another call's retries with it.
            throw new InvalidOperationException("Only the call that owns the claim completes it.");
        }

        return completing ??= CompleteCoreAsync(response, condition);
    }

    /// <summary>
    /// Waits for a completion sent beside the call's last writes, if any, ignoring its outcome: a removal of the
    /// marker must reach the store after it, not before.
    /// </summary>
    public Task CompletionSettledAsync() =>
        completing is null ? Task.CompletedTask : AwaitQuietly(completing);

    /// <summary>Removes the marker this call owns, so that a retry runs the call again.</summary>
    public Task AbandonAsync() => store.AbandonAsync(scopeHash, CancellationToken.None);

    // The store's call is sent before the first await: a flow that sends the claim beside its first store step rides it.
    private async Task<IdempotencyBegin> BeginCoreAsync()
    {
        var found = await store.TryBeginAsync(scopeHash, requestHash, time.GetUtcNow(), ttl, cancellationToken);
        if (found is not { Status: IdempotencyStatus.Completed, Condition: { } condition })
        {
            return found;
        }

        // A response sent beside the write that makes it true, before that write answered: the call that stored it is
        // still running, or ended without its write applying (it then removes the marker; it may have died first). A
        // condition that does not hold is answered in progress, never with the response: while the call runs that is the
        // truth, and a call that died leaves its marker in progress until its TTL, as one that dies before storing anything
        // does (docs/configuration.md "Caller metadata"). Taking the marker over instead would race the removal of a call
        // still between its write's answer and that removal, which would then remove the new owner's marker.
        return await conditions.HoldsAsync(condition, cancellationToken)
            ? IdempotencyBegin.Completed(found.Response ?? [])
            : IdempotencyBegin.InProgress;
    }

    // After the work: the caller's cancellation no longer applies, the marker must say the work was done.
    private async Task CompleteCoreAsync(byte[] response, string? condition)
    {
        try
        {
            await store.CompleteAsync(scopeHash, response, time.GetUtcNow(), ttl, CancellationToken.None, condition);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store did not answer, or refused the write (a full Redis under noeviction). The call succeeded: failing
            // it now would remove the marker and invite a retry of work already done. The marker stays in progress until
            // its TTL, so a retry with this key is refused rather than run twice.
            completionUnanswered();
        }
    }

    private static async Task AwaitQuietly(Task task) => await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
}
