namespace Recovery.AuthServer.RateLimiting;

/// <summary>
/// Generic cell rate algorithm: one timestamp per bucket (the theoretical arrival time, TAT), allowing
/// <c>Limit</c> calls at once and then one every <c>Period / Limit</c>. Chosen over fixed windows
/// because it has no double burst at window edges and needs one value per key.
/// </summary>
/// <remarks>
/// The one home of the rule. <see cref="Acquire"/> (and <see cref="Refund"/>) are pure functions: the in-memory limiter calls it under its
/// lock and stores what they return; the Redis limiter's Lua scripts mirror them line for line (its comments name
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
            var wait = Step(tats[i], nowMicros, rules[i], out newTats[i]);
            if (wait > 0)
            {
                return GcraDecision.Refused(i, wait);
            }
        }

        return GcraDecision.Allowed(newTats);
    }

    /// <summary>
    /// One bucket's part of <see cref="Acquire"/>: the bucket's new arrival time should the call be allowed, and how long
    /// until this bucket would allow it (µs; 0 when it allows it now). <see cref="Acquire"/> is this step over every
    /// bucket in order; the in-memory limiter runs the same loop on the stack under its lock, without the lists.
    /// </summary>
    public static long Step(long? tat, long nowMicros, RateLimitRule rule, out long newTat)
    {
        ArgumentNullException.ThrowIfNull(rule);

        // A bucket whose arrival time has passed is as good as empty: its burst is whole again.
        var start = Math.Max(tat ?? nowMicros, nowMicros);
        newTat = start + IntervalMicros(rule);
        var allowAt = newTat - PeriodMicros(rule);
        return allowAt > nowMicros ? allowAt - nowMicros : 0;
    }

    /// <summary>
    /// Gives back the one unit an allowed <see cref="Acquire"/> took from every bucket, for a call that was then shed
    /// before it did its work. Each arrival time moves back by one emission interval, never below now: a bucket can
    /// never hold more than its whole burst, so refunds (even more of them than units taken) create no allowance
    /// beyond the limit. A bucket whose arrival time is absent or has passed is already whole and stays absent.
    /// </summary>
    /// <param name="tats">Each bucket's stored arrival time (µs), or null when it has none.</param>
    /// <param name="nowMicros">The caller's now (µs), never the store's clock.</param>
    /// <param name="rules">Each bucket's rule, in the same order as <paramref name="tats"/>.</param>
    /// <returns>Each bucket's arrival time to store, or null when the bucket is whole again (delete it).</returns>
    public static IReadOnlyList<long?> Refund(IReadOnlyList<long?> tats, long nowMicros, IReadOnlyList<RateLimitRule> rules)
    {
        ArgumentNullException.ThrowIfNull(tats);
        ArgumentNullException.ThrowIfNull(rules);
        if (tats.Count != rules.Count)
        {
            throw new ArgumentException("One rule per bucket.", nameof(rules));
        }

        var newTats = new long?[tats.Count];
        for (var i = 0; i < tats.Count; i++)
        {
            // Absent or passed: the burst is already whole, there is nothing to give back (and nothing to create).
            if (tats[i] is not { } tat || tat <= nowMicros)
            {
                continue;
            }

            // Back by one interval; at or below now the bucket is whole, which is the same as absent.
            var newTat = tat - IntervalMicros(rules[i]);
            newTats[i] = newTat > nowMicros ? newTat : null;
        }

        return newTats;
    }
}
