using System.Collections.Concurrent;
using Recovery.AuthServer.RateLimiting;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>GCRA buckets in process memory; one lock makes the all-or-nothing step atomic.</summary>
public sealed class InMemoryRateLimiter : IRateLimiter
{
    private readonly ConcurrentDictionary<string, long> tats = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private long lastSweepTicks;

    public Task<RateLimitDecision> TryAcquireAsync(IReadOnlyList<RateLimitKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowTicks = now.UtcTicks;
        lock (gate)
        {
            Sweep(nowTicks);
            var updates = new long[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                var (newTat, retryAfter) = Gcra.Check(tats.TryGetValue(keys[i].Key, out var t) ? t : null, nowTicks, keys[i].Rule);
                if (newTat is null)
                {
                    return Task.FromResult(new RateLimitDecision(false, retryAfter, keys[i].Key));
                }

                updates[i] = newTat.Value;
            }

            for (var i = 0; i < keys.Count; i++)
            {
                tats[keys[i].Key] = updates[i];
            }
        }

        return Task.FromResult(new RateLimitDecision(true, TimeSpan.Zero));
    }

    // A bucket whose arrival time has passed is indistinguishable from an absent one.
    private void Sweep(long nowTicks)
    {
        if (nowTicks - lastSweepTicks < TimeSpan.TicksPerMinute)
        {
            return;
        }

        lastSweepTicks = nowTicks;
        foreach (var (key, tat) in tats)
        {
            if (tat <= nowTicks)
            {
                tats.TryRemove(key, out _);
            }
        }
    }
}
