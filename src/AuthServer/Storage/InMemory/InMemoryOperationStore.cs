using System.Collections.Concurrent;
using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// Operations in memory. Every write (the sweeps included) runs under one lock and decides by
/// <see cref="OperationRules"/>, the same functions the Redis store's scripts mirror; reads take no lock.
/// </summary>
public sealed class InMemoryOperationStore(TimeProvider time) : IOperationStore
{
    private readonly ConcurrentDictionary<string, OperationRecord> operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> byReference = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);
    private readonly ExpirySweeper referenceSweeper = new(time);
    private readonly Lock gate = new();

    /// <summary>References held (for tests of the sweep).</summary>
    internal int ReferenceCount => byReference.Count;

    public Task<bool> TryCreateAsync(OperationRecord operation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            sweeper.Sweep(operations, o => o.ExpiresAt);

            // A reference whose operation was swept, or closed, or is past its end holds nothing: without
            // this the reference map grew by one entry per operation ever opened.
            referenceSweeper.Sweep(byReference, id => operations.TryGetValue(id, out var o) && o.State == OperationState.Pending ? o.ExpiresAt : DateTimeOffset.MinValue);

            if (!OperationRules.IsReferenceFree(HoldOf(operation.Reference), operation.Id, now))
            {
                return Task.FromResult(false);
            }

            // Written only if absent, as on Redis: a retried create changes nothing it already made.
            operations.TryAdd(operation.Id, operation);
            byReference[operation.Reference] = operation.Id;
            return Task.FromResult(true);
        }
    }

    public Task<OperationRecord?> GetAsync(string operationId, CancellationToken cancellationToken) =>
        Task.FromResult(operations.GetValueOrDefault(operationId));

    public Task<OperationRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken) =>
        Task.FromResult(byReference.TryGetValue(reference, out var id) ? operations.GetValueOrDefault(id) : null);

    public Task<CardCheckTake> TryTakeCardCheckAsync(string operationId, int max, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!operations.TryGetValue(operationId, out var current))
            {
                return Task.FromResult(new CardCheckTake(CardCheckTakeStatus.NotFound, 0));
            }

            var take = OperationRules.TakeCardCheck(current.CardChecksUsed, max);
            if (take.Status == CardCheckTakeStatus.Taken)
            {
                operations[operationId] = current with { CardChecksUsed = take.Used };
            }

            return Task.FromResult(take);
        }
    }

    public Task<bool> TryCompleteAsync(string operationId, OperationState state, CancellationToken cancellationToken)
    {
        OperationRules.ThrowIfNotFinal(state);
        lock (gate)
        {
            if (!operations.TryGetValue(operationId, out var current) || !OperationRules.CanComplete(current.State, state))
            {
                return Task.FromResult(false);
            }

            operations[operationId] = current with { State = state };
            return Task.FromResult(true);
        }
    }

    private ReferenceHold? HoldOf(string reference) =>
        byReference.TryGetValue(reference, out var holder) && operations.TryGetValue(holder, out var held)
            ? new ReferenceHold(holder, held.State == OperationState.Pending, held.ExpiresAt)
            : null;
}
