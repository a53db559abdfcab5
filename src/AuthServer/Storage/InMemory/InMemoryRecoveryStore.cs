using System.Collections.Concurrent;

namespace Recovery.AuthServer.Storage.InMemory;

public sealed class InMemoryRecoveryStore(TimeProvider time) : IRecoveryStore
{
    private readonly ConcurrentDictionary<string, RecoveryRecord> recoveries = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);

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

    public Task SetStateAsync(string recoveryId, RecoveryState state, CancellationToken cancellationToken)
    {
        recoveries.AddOrUpdate(recoveryId, _ => throw new InvalidOperationException("Unknown recovery."), (_, r) => r with { State = state });
        return Task.CompletedTask;
    }
}
