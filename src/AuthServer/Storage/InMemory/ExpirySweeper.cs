using System.Collections.Concurrent;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// Drops expired entries at most once a minute, so memory stays bounded without a timer and without
/// scanning the whole map on every write. (Redis does this with key TTLs.)
/// </summary>
internal sealed class ExpirySweeper(TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private long nextSweepTicks;

    public void Sweep<TKey, TValue>(ConcurrentDictionary<TKey, TValue> map, Func<TValue, DateTimeOffset> removeAfter)
        where TKey : notnull
    {
        var now = time.GetUtcNow();
        var next = Interlocked.Read(ref nextSweepTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref nextSweepTicks, (now + Interval).UtcTicks, next) != next)
        {
            return;
        }

        foreach (var (key, value) in map)
        {
            // Only the entry seen: one replaced meanwhile (a reference claimed again) is judged next time.
            if (removeAfter(value) < now)
            {
                map.TryRemove(new KeyValuePair<TKey, TValue>(key, value));
            }
        }
    }
}
