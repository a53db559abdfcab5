using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// The wrong-code ledger in process memory. Every rule is <see cref="WrongCodeRules"/>'s: this store only applies a
/// step under one lock, so each take and settle is atomic over all its scopes.
/// </summary>
public sealed class InMemoryWrongCodeLedger : IWrongCodeLedger
{
    private readonly Dictionary<string, IReadOnlyList<WrongCodeEntry>> scopes = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private long lastSweepTicks;

    public Task<WrongCodeTake> TakeAsync(IReadOnlyList<string> scopes, string token, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(Apply(scopes, now, window, entries => WrongCodeRules.Take(entries, token, limit, window, now)));

    public Task<WrongCodeSettled> SettleAsync(IReadOnlyList<string> scopes, string token, bool counted, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(Apply(scopes, now, window, entries => WrongCodeRules.Settle(entries, token, counted, limit, window, now)));

    // One step of a rule over the named scopes, atomic under the lock. A scope named twice is one scope, as a Redis key is.
    private TResult Apply<TResult>(IReadOnlyList<string> names, DateTimeOffset now, TimeSpan window, Func<IReadOnlyList<IReadOnlyList<WrongCodeEntry>>, WrongCodeStep<TResult>> rule)
    {
        var distinct = names.Distinct(StringComparer.Ordinal).ToArray();
        lock (gate)
        {
            Sweep(now, window);
            var step = rule(distinct.Select(n => scopes.GetValueOrDefault(n, [])).ToArray());
            for (var i = 0; i < distinct.Length; i++)
            {
                scopes[distinct[i]] = step.Scopes[i];
            }

            return step.Result;
        }
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
            if (entries.All(e => e.At <= now - window))
            {
                scopes.Remove(scope);
            }
        }
    }
}
