using System.Collections.Concurrent;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Recovery;

namespace Recovery.AuthServer.Storage.InMemory;

public sealed class InMemoryRecoveryStore(TimeProvider time) : IRecoveryStore
{
    private readonly ConcurrentDictionary<string, RecoveryRecord> recoveries = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);
    private readonly ConcurrentDictionary<string, CardBlock> cardBlocks = new(StringComparer.Ordinal);
    private readonly ExpirySweeper cardBlockSweeper = new(time);

    /// <summary>Card blocks held, forgotten ones not counted (for tests of the sweep).</summary>
    internal int CardBlockCount => cardBlocks.Count;

    /// <summary>Recoveries held (for tests of the sweep).</summary>
    internal int RecoveryCount => recoveries.Count;

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

    public Task<DateTimeOffset> BlockCardAsync(string cardHash, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, CancellationToken cancellationToken, DateTimeOffset? atLeastUntil = null)
    {
        // Every card ever blocked would otherwise stay in memory for good: a stranger typing wrong codes
        // against random card numbers could grow the map without bound. Swept like the Redis key expires.
        cardBlockSweeper.Sweep(cardBlocks, b => b.ForgetAt);
        var block = cardBlocks.AddOrUpdate(
            cardHash,
            _ => Block(now, 0, firstBlock, maxBlock, atLeastUntil),
            (_, b) => Block(now, b.ForgetAt > now ? b.Count : 0, firstBlock, maxBlock, atLeastUntil));
        return Task.FromResult(block.Until);
    }

    public Task<DateTimeOffset?> GetCardBlockAsync(string cardHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(cardBlocks.TryGetValue(cardHash, out var b) && b.Until > now ? b.Until : (DateTimeOffset?)null);

    public Task SetStateAsync(string recoveryId, RecoveryState state, CancellationToken cancellationToken)
    {
        recoveries.AddOrUpdate(recoveryId, _ => throw new InvalidOperationException("Unknown recovery."), (_, r) => r with { State = state });
        return Task.CompletedTask;
    }

    // The count outlives the block so that the next one is longer (RecoveryBlock.CountRetention), and is forgotten
    // when the Redis provider's key expires.
    private static CardBlock Block(DateTimeOffset now, int count, TimeSpan firstBlock, TimeSpan maxBlock, DateTimeOffset? atLeastUntil)
    {
        var (until, blocks) = RecoveryBlock.Escalate(count, now, firstBlock, maxBlock, atLeastUntil);
        return new CardBlock(until, blocks, until + RecoveryBlock.CountRetention(maxBlock));
    }

    private sealed record CardBlock(DateTimeOffset Until, int Count, DateTimeOffset ForgetAt);
}
