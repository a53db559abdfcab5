namespace Recovery.AuthServer.RateLimiting;

/// <summary>
/// Generic cell rate algorithm: one timestamp per bucket (the theoretical arrival time, TAT), allowing
/// <c>Limit</c> calls at once and then one every <c>Period / Limit</c>. Chosen over fixed windows
/// because it has no double burst at window edges and needs one value per key.
/// </summary>
/// <remarks>
/// The one home of the rule. <see cref="Acquire"/> is a pure function: the in-memory limiter calls it under its
/// lock and stores what it returns; the Redis limiter's Lua script mirrors it line for line (its comments name
/// each step). Both work in whole microseconds since the Unix epoch, the unit the Lua can hold exactly (its
/// numbers are doubles, exact to 2^53; .NET ticks would not be), so both providers give the same answer to the
/// microsecond. <c>GcraCases</c> runs the same table on this function and on both providers.
/// </remarks>
public static class Gcra
{
    /// <summary>A rule's period in microseconds (what the Lua receives as the bucket's period).</summary>
    public static long PeriodMicros(RateLimitRule rule) => rule.Period.Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>The emission interval, <c>Period / Limit</c> in whole microseconds (rounded down: never stricter than the rule).</summary>
    public static long IntervalMicros(RateLimitRule rule) => PeriodMicros(rule) / rule.Limit;

    /// <summary>An instant as whole microseconds since the Unix epoch (sub-microsecond parts dropped).</summary>
    public static long Micros(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>
    /// Takes one unit from every bucket, or from none. Buckets are checked in order; the first that refuses decides
    /// the answer (its index and how long to wait) and nothing is taken from any bucket.
    /// </summary>
    /// <param name="tats">Each bucket's stored arrival time (µs), or null when it has none (absent or expired: the same).</param>
    /// <param name="nowMicros">The caller's now (µs), never the store's clock.</param>
    /// <param name="rules">Each bucket's rule, in the same order as <paramref name="tats"/>.</param>
    public static GcraDecision Acquire(IReadOnlyList<long?> tats, long nowMicros, IReadOnlyList<RateLimitRule> rules)
    {
        ArgumentNullException.ThrowIfNull(tats);
        ArgumentNullException.ThrowIfNull(rules);
        if (tats.Count != rules.Count)
        {
            throw new ArgumentException("One rule per bucket.", nameof(rules));
        }

        var newTats = new long[tats.Count];
        for (var i = 0; i < tats.Count; i++)
        {
            // A bucket whose arrival time has passed is as good as empty: its burst is whole again.
            var tat = Math.Max(tats[i] ?? nowMicros, nowMicros);
            var newTat = tat + IntervalMicros(rules[i]);
            var allowAt = newTat - PeriodMicros(rules[i]);
            if (allowAt > nowMicros)
            {
                return GcraDecision.Refused(i, allowAt - nowMicros);
            }

            newTats[i] = newTat;
        }

        return GcraDecision.Allowed(newTats);
    }
}
