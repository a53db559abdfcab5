using System.Collections.Concurrent;
using System.Text;
using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Storage.InMemory;

public sealed class InMemoryIdempotencyStore(TimeProvider time) : IIdempotencyStore
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);
    private readonly Lock gate = new();

    public Task<IdempotencyBegin> TryBeginAsync(string scopeHash, string requestHash, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        sweeper.Sweep(entries, e => e.ExpiresAt);

        // Check and create under one lock: of any number of concurrent callers exactly one sees New.
        lock (gate)
        {
            if (!entries.TryGetValue(scopeHash, out var entry) || entry.ExpiresAt <= now)
            {
                entries[scopeHash] = new Entry(requestHash, null, null, now + ttl);
                return Task.FromResult(IdempotencyBegin.New);
            }

            if (!KeyedHash.FixedTimeEquals(Encoding.ASCII.GetBytes(entry.RequestHash), Encoding.ASCII.GetBytes(requestHash)))
            {
                return Task.FromResult(IdempotencyBegin.Mismatch);
            }

            return Task.FromResult(entry.Response is { } response ? IdempotencyBegin.Completed(response, entry.Condition) : IdempotencyBegin.InProgress);
        }
    }

    public Task CompleteAsync(string scopeHash, byte[] response, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken, string? condition = null)
    {
        lock (gate)
        {
            // Only a marker that still exists: one that expired meanwhile may already belong to a newer call.
            if (entries.TryGetValue(scopeHash, out var entry) && entry.ExpiresAt > now)
            {
                entries[scopeHash] = entry with { Response = response.ToArray(), Condition = condition, ExpiresAt = now + ttl };
            }
        }

        return Task.CompletedTask;
    }

    public Task AbandonAsync(string scopeHash, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            entries.TryRemove(scopeHash, out _);
        }

        return Task.CompletedTask;
    }

    private sealed record Entry(string RequestHash, byte[]? Response, string? Condition, DateTimeOffset ExpiresAt);
}
