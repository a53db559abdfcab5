using System.Collections.Concurrent;

namespace Recovery.AuthServer.Storage.InMemory;

public sealed class InMemoryOperationStore(TimeProvider time) : IOperationStore
{
    private readonly ConcurrentDictionary<string, OperationRecord> operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> byReference = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);

    public Task<bool> TryCreateAsync(OperationRecord operation, CancellationToken cancellationToken)
    {
        sweeper.Sweep(operations, o => o.ExpiresAt);
        var now = time.GetUtcNow();

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
                return Task.FromResult(false);
            }

            if (byReference.TryUpdate(operation.Reference, operation.Id, holder))
            {
                break;
            }
        }

        operations[operation.Id] = operation;
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
