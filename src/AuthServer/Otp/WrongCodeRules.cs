namespace Recovery.AuthServer.Otp;

/// <summary>
/// The one home of the wrong-code ledger's rules (<see cref="IWrongCodeLedger"/>): when a try may be taken, when it is
/// refused as busy, when a full scope frees a try, when a settled wrong code fills a scope. Pure functions of each
/// scope's entries, the input and the time, answering the result and the entries to store. No I/O and no lock: the
/// in-memory ledger applies a step under its lock; on Redis one Lua script per step mirrors these functions (see
/// Storage/Redis/RedisWrongCodeLedger). The table of cases in tests/Shared/Otp/WrongCodeRuleCases.cs runs on these
/// functions and on both providers.
/// </summary>
public static class WrongCodeRules
{
    /// <summary>A pending entry older than this is a try whose node never settled it: it counts as wrong, never as busy.</summary>
    public static readonly TimeSpan PendingTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Adds a pending entry <paramref name="token"/> to every scope unless one of them already holds
    /// <paramref name="limit"/> entries (wrong or pending) inside the window: then nothing is added anywhere.
    /// </summary>
    public static WrongCodeStep<WrongCodeTake> Take(IReadOnlyList<IReadOnlyList<WrongCodeEntry>> scopes, string token, int limit, TimeSpan window, DateTimeOffset now)
    {
        var live = scopes.Select(s => Live(s, now, window)).ToArray();
        var refused = false;
        var busy = false;
        DateTimeOffset? freesAt = null;
        foreach (var entries in live)
        {
            if (entries.Count < limit)
            {
                continue;
            }

            // Pending tries count toward the limit before they are evaluated, so N parallel tries evaluate at most
            // the limit. Busy: some of them may yet be given back, so the caller may wait rather than refuse.
            refused = true;
            busy |= entries.Any(e => e.Pending && e.At > now - PendingTimeout);
            var frees = entries.Min(e => e.At) + window;
            freesAt = freesAt is { } f && f > frees ? f : frees;
        }

        if (refused)
        {
            return new(new WrongCodeTake(false, busy, freesAt), live);
        }

        return new(new WrongCodeTake(true), live.Select(e => (IReadOnlyList<WrongCodeEntry>)[.. e, new WrongCodeEntry(token, now, Pending: true)]).ToArray());
    }

    /// <summary>
    /// Ends the pending entry <paramref name="token"/> in every scope that holds it inside the window: kept as a wrong
    /// code when <paramref name="counted"/>, otherwise removed. JustFilled when this wrong code made a scope hold exactly
    /// <paramref name="limit"/> wrong codes; FullUntil when a scope it was settled in holds the limit.
    /// </summary>
    public static WrongCodeStep<WrongCodeSettled> Settle(IReadOnlyList<IReadOnlyList<WrongCodeEntry>> scopes, string token, bool counted, int limit, TimeSpan window, DateTimeOffset now)
    {
        var justFilled = false;
        DateTimeOffset? fullUntil = null;
        var next = new IReadOnlyList<WrongCodeEntry>[scopes.Count];
        for (var i = 0; i < scopes.Count; i++)
        {
            // A try that has left the window is gone: there is nothing left to settle in that scope.
            var entries = Live(scopes[i], now, window);
            next[i] = entries;
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

            // A stale pending entry is a try whose node died before settling: it counts as wrong (fails closed).
            var wrong = entries.Where(e => !e.Pending || e.At <= now - PendingTimeout).ToList();
            justFilled |= wrong.Count == limit;
            if (wrong.Count >= limit)
            {
                var until = wrong.Min(e => e.At) + window;
                fullUntil = fullUntil is { } f && f > until ? f : until;
            }
        }

        return new(new WrongCodeSettled(justFilled, fullUntil), next);
    }

    // A copy of the entries still inside the window: an entry taken at or before now - window has left it.
    private static List<WrongCodeEntry> Live(IReadOnlyList<WrongCodeEntry> entries, DateTimeOffset now, TimeSpan window) =>
        entries.Where(e => e.At > now - window).ToList();
}
