using Recovery.AuthServer.RateLimiting;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// GCRA buckets in process memory: <see cref="Gcra.Step"/> (the step <see cref="Gcra.Acquire"/> takes per bucket) and
/// <see cref="Gcra.Refund"/> decide under one lock, which makes the all-or-nothing step atomic; this class only reads and
/// stores the buckets' arrival times (µs).
/// </summary>
/// <remarks>
/// Every StartRecovery and Login takes this lock (the channel's bucket is shared by all of a channel's calls, so finer
/// locks would still meet there), so what it holds is kept short: a plain dictionary (the lock already orders every
/// reader and writer, a concurrent one would add its own locks), the new arrival times on the stack, nothing allocated
/// on the allowed path.
/// </remarks>
public sealed class InMemoryRateLimiter : IRateLimiter
{
    private const int StackBuckets = 16;
    private static readonly Task<RateLimitDecision> AllowedTask = Task.FromResult(new RateLimitDecision(true, TimeSpan.Zero));
    private readonly Dictionary<string, long> tats = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private long lastSweepMicros;

    public Task<RateLimitDecision> TryAcquireAsync(IReadOnlyList<RateLimitKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var nowMicros = Gcra.Micros(now);
        Span<long> newTats = keys.Count <= StackBuckets ? stackalloc long[keys.Count] : new long[keys.Count];
        lock (gate)
        {
            Sweep(nowMicros);
            for (var i = 0; i < keys.Count; i++)
            {
                long? stored = tats.TryGetValue(keys[i].Key, out var tat) ? tat : null;
                var wait = Gcra.Step(stored, nowMicros, keys[i].Rule, out newTats[i]);
                if (wait > 0)
                {
                    // The first bucket that refuses decides, and nothing is taken from any (Gcra.Acquire).
                    return Task.FromResult(new RateLimitDecision(false, TimeSpan.FromMicroseconds(wait), keys[i].Key));
                }
            }

            for (var i = 0; i < keys.Count; i++)
            {
                tats[keys[i].Key] = newTats[i];
            }
        }

        return AllowedTask;
    }

    public Task RefundAsync(IReadOnlyList<RateLimitKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var nowMicros = Gcra.Micros(now);
        lock (gate)
        {
            var stored = new long?[keys.Count];
            var rules = new RateLimitRule[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                stored[i] = tats.TryGetValue(keys[i].Key, out var tat) ? tat : null;
                rules[i] = keys[i].Rule;
            }

            var refunded = Gcra.Refund(stored, nowMicros, rules);
            for (var i = 0; i < keys.Count; i++)
            {
                if (refunded[i] is { } tat)
                {
                    tats[keys[i].Key] = tat;
                }
                else
                {
                    // Whole again (or already absent): the same as no bucket at all.
                    tats.Remove(keys[i].Key);
                }
            }
        }

        return Task.CompletedTask;
    }

    // A bucket whose arrival time has passed is indistinguishable from an absent one.
    private void Sweep(long nowMicros)
    {
        if (nowMicros - lastSweepMicros < 60_000_000)
        {
            return;
        }

        lastSweepMicros = nowMicros;
        // Removing while enumerating is allowed for Dictionary (it does not invalidate the enumerator).
        foreach (var (key, tat) in tats)
        {
            if (tat <= nowMicros)
            {
                tats.Remove(key);
            }
        }
    }
}
