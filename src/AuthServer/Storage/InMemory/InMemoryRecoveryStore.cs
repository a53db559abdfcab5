using System.Collections.Concurrent;

namespace Recovery.AuthServer.Storage.InMemory;

public sealed class InMemoryRecoveryStore(TimeProvider time) : IRecoveryStore
{
    private readonly ConcurrentDictionary<string, RecoveryRecord> recoveries = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);
    private readonly ConcurrentDictionary<string, CardBlock> cardBlocks = new(StringComparer.Ordinal);

    public Task CreateAsync(RecoveryRecord recovery, CancellationToken cancellationToken)
    {
        sweeper.Sweep(recoveries, r => r.ExpiresAt);
        if (!recoveries.TryAdd(recovery.Id, recovery))
        {
            throw new InvalidOperationException("Recovery id collision.");
        }

        return Task.CompletedTask;
    }

    public Task<RecoveryRecord?> GetAsync(string recoveryId, CancellationToken cancellationToken) =>
        Task.FromResult(recoveries.TryGetValue(recoveryId, out var r) && r.ExpiresAt > time.GetUtcNow() ? r : null);

    public Task<DateTimeOffset> BlockCardAsync(string cardHash, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, CancellationToken cancellationToken)
    {
        var block = cardBlocks.AddOrUpdate(
            cardHash,
            _ => new CardBlock(now + RecoveryBlock.Duration(0, firstBlock, maxBlock), 1),
            (_, b) => new CardBlock(now + RecoveryBlock.Duration(b.Count, firstBlock, maxBlock), b.Count + 1));
        return Task.FromResult(block.Until);
    }

    public Task<DateTimeOffset?> GetCardBlockAsync(string cardHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(cardBlocks.TryGetValue(cardHash, out var b) && b.Until > now ? b.Until : (DateTimeOffset?)null);

    public Task SetStateAsync(string recoveryId, RecoveryState state, CancellationToken cancellationToken)
    {
        recoveries.AddOrUpdate(recoveryId, _ => throw new InvalidOperationException("Unknown recovery."), (_, r) => r with { State = state });
        return Task.CompletedTask;
    }

    // The count outlives the block so that the next one is longer; the Redis provider keeps it with a TTL.
    private sealed record CardBlock(DateTimeOffset Until, int Count);
}
