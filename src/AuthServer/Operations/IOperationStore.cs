namespace Recovery.AuthServer.Operations;

public interface IOperationStore
{
    /// <summary>Stores the operation if its reference is free among open operations; false if taken.</summary>
    Task<bool> TryCreateAsync(OperationRecord operation, CancellationToken cancellationToken);

    Task<OperationRecord?> GetAsync(string operationId, CancellationToken cancellationToken);

    Task<OperationRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically takes one of the <paramref name="max"/> card checks of the call-centre path for the
    /// operation: Taken with the checks used so far (this one included), Exhausted when none is left, or
    /// NotFound. Taken before the card is compared, so parallel attempts can never check more cards.
    /// </summary>
    Task<CardCheckTake> TryTakeCardCheckAsync(string operationId, int max, CancellationToken cancellationToken);

    /// <summary>Moves a pending operation to <paramref name="state"/>; false if it was no longer pending.</summary>
    Task<bool> TryCompleteAsync(string operationId, OperationState state, CancellationToken cancellationToken);
}
