using System.Collections.Concurrent;
using Recovery.AuthServer.RateLimiting;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// GCRA buckets in process memory: <see cref="Gcra.Acquire"/> (and <see cref="Gcra.Refund"/>) decide under one lock, which makes the
/// all-or-nothing step atomic; this class only reads and stores the buckets' arrival times (µs).
/// </summary>
public sealed class InMemoryRateLimiter : IRateLimiter
{
    private readonly ConcurrentDictionary<string, long> tats = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private long lastSweepMicros;

    public Task<RateLimitDecision> TryAcquireAsync(IReadOnlyList<RateLimitKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var nowMicros = Gcra.Micros(now);
        lock (gate)
        {
            Sweep(nowMicros);
            var stored = new long?[keys.Count];
            var rules = new RateLimitRule[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                stored[i] = tats.TryGetValue(keys[i].Key, out var tat) ? tat : null;
                rules[i] = keys[i].Rule;
            }

            var decision = Gcra.Acquire(stored, nowMicros, rules);
            if (!decision.IsAllowed)
            {
                return Task.FromResult(new RateLimitDecision(false, decision.RetryAfter, keys[decision.RefusedBy].Key));
            }

            for (var i = 0; i < keys.Count; i++)
            {
                tats[keys[i].Key] = decision.NewTats[i];
            }
        }

        return Task.FromResult(new RateLimitDecision(true, TimeSpan.Zero));
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
                    tats.TryRemove(keys[i].Key, out _);
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
        foreach (var (key, tat) in tats)
        {
            if (tat <= nowMicros)
            {
                tats.TryRemove(key, out _);
            }
        }
    }
}
