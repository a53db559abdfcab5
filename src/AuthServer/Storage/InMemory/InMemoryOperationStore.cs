using System.Collections.Concurrent;
using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.Storage.InMemory;

public sealed class InMemoryOperationStore(TimeProvider time) : IOperationStore
{
    private readonly ConcurrentDictionary<string, OperationRecord> operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> byReference = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);
    private readonly ExpirySweeper referenceSweeper = new(time);

    /// <summary>References held (for tests of the sweep).</summary>
    internal int ReferenceCount => byReference.Count;

    public Task<bool> TryCreateAsync(OperationRecord operation, CancellationToken cancellationToken)
    {
        sweeper.Sweep(operations, o => o.ExpiresAt);

        // A reference whose operation was swept, or closed, or is past its end holds nothing: without
        // this the reference map grew by one entry per operation ever opened.
        referenceSweeper.Sweep(byReference, id => operations.TryGetValue(id, out var o) && o.State == OperationState.Pending ? o.ExpiresAt : DateTimeOffset.MinValue);
        var now = time.GetUtcNow();

        // Stored before its reference is claimed, so that a reference always leads to an operation and
        // the sweep above never drops a claim that is being made; removed again if the claim fails.
        operations[operation.Id] = operation;

        // A reference is free again once its operation is closed or gone.
        while (true)
        {
            if (byReference.TryAdd(operation.Reference, operation.Id))
            {
                break;
            }

            if (!byReference.TryGetValue(operation.Reference, out var holder))
            {
                continue;
            }

            if (operations.TryGetValue(holder, out var held) && held.State == OperationState.Pending && held.ExpiresAt > now)
            {
                operations.TryRemove(operation.Id, out _);
                return Task.FromResult(false);
            }

            if (byReference.TryUpdate(operation.Reference, operation.Id, holder))
            {
                break;
            }
        }

        return Task.FromResult(true);
    }

    public Task<OperationRecord?> GetAsync(string operationId, CancellationToken cancellationToken) =>
        Task.FromResult(operations.GetValueOrDefault(operationId));

    public Task<OperationRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken) =>
        Task.FromResult(byReference.TryGetValue(reference, out var id) ? operations.GetValueOrDefault(id) : null);

    public Task<CardCheckTake> TryTakeCardCheckAsync(string operationId, int max, CancellationToken cancellationToken)
    {
        while (operations.TryGetValue(operationId, out var current))
        {
            if (current.CardChecksUsed >= max)
            {
                return Task.FromResult(new CardCheckTake(CardCheckTakeStatus.Exhausted, current.CardChecksUsed));
            }

            var taken = current with { CardChecksUsed = current.CardChecksUsed + 1 };
            if (operations.TryUpdate(operationId, taken, current))
            {
                return Task.FromResult(new CardCheckTake(CardCheckTakeStatus.Taken, taken.CardChecksUsed));
            }
        }

        return Task.FromResult(new CardCheckTake(CardCheckTakeStatus.NotFound, 0));
    }

    public Task<bool> TryCompleteAsync(string operationId, OperationState state, CancellationToken cancellationToken)
    {
        while (operations.TryGetValue(operationId, out var current))
        {
            if (current.State != OperationState.Pending)
            {
                return Task.FromResult(false);
            }

            if (operations.TryUpdate(operationId, current with { State = state }, current))
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }
}
