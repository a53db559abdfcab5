using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>The wrong-code ledger in process memory; one lock makes each take and settle atomic over all its scopes.</summary>
public sealed class InMemoryWrongCodeLedger : IWrongCodeLedger
{
    /// <summary>A pending entry older than this is a try whose node never settled it: it counts as wrong, never as busy.</summary>
    public static readonly TimeSpan PendingTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, List<Entry>> scopes = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private long lastSweepTicks;

    public Task<WrongCodeTake> TakeAsync(IReadOnlyList<string> scopes, string token, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Sweep(now, window);
            var refused = false;
            var busy = false;
            DateTimeOffset? freesAt = null;
            foreach (var scope in scopes)
            {
                var entries = Live(scope, now, window);
                if (entries.Count < limit)
                {
                    continue;
                }

                refused = true;
                busy |= entries.Any(e => e.Pending && e.At > now - PendingTimeout);
                var frees = entries.Min(e => e.At) + window;
                freesAt = freesAt is { } f && f > frees ? f : frees;
            }

            if (refused)
            {
                return Task.FromResult(new WrongCodeTake(false, busy, freesAt));
            }

            foreach (var scope in scopes)
            {
                Live(scope, now, window).Add(new Entry(token, now, Pending: true));
            }

            return Task.FromResult(new WrongCodeTake(true));
        }
    }

    public Task<WrongCodeSettled> SettleAsync(IReadOnlyList<string> scopes, string token, bool counted, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var justFilled = false;
            DateTimeOffset? fullUntil = null;
            foreach (var scope in scopes)
            {
                var entries = Live(scope, now, window);
                var index = entries.FindIndex(e => e.Token == token && e.Pending);
                if (index < 0)
                {
                    continue;
                }

                var entry = entries[index];
                entries.RemoveAt(index);
                if (!counted)
                {
                    continue;
                }

                entries.Add(entry with { Pending = false });
                var wrong = entries.Where(e => !e.Pending || e.At <= now - PendingTimeout).ToList();
                justFilled |= wrong.Count == limit;
                if (wrong.Count >= limit)
                {
                    var until = wrong.Min(e => e.At) + window;
                    fullUntil = fullUntil is { } f && f > until ? f : until;
                }
            }

            return Task.FromResult(new WrongCodeSettled(justFilled, fullUntil));
        }
    }

    // The entries of a scope still inside the window (older ones dropped).
    private List<Entry> Live(string scope, DateTimeOffset now, TimeSpan window)
    {
        if (!scopes.TryGetValue(scope, out var entries))
        {
            entries = [];
            scopes[scope] = entries;
        }

        entries.RemoveAll(e => e.At <= now - window);
        return entries;
    }

    // Scopes whose every entry has left the window are dropped, at most once a minute.
    private void Sweep(DateTimeOffset now, TimeSpan window)
    {
        if (now.UtcTicks - lastSweepTicks < TimeSpan.TicksPerMinute)
        {
            return;
        }

        lastSweepTicks = now.UtcTicks;
        foreach (var (scope, entries) in scopes.ToList())
        {
            entries.RemoveAll(e => e.At <= now - window);
            if (entries.Count == 0)
            {
                scopes.Remove(scope);
            }
        }
    }

    private sealed record Entry(string Token, DateTimeOffset At, bool Pending);
}
