namespace Recovery.AuthServer.RateLimiting;

/// <summary>
/// Generic cell rate algorithm: one timestamp per bucket (the theoretical arrival time), allowing
/// <c>Limit</c> calls at once and then one every <c>Period / Limit</c>. Chosen over fixed windows
/// because it has no double burst at window edges and needs one value per key.
/// </summary>
public static class Gcra
{
    /// <returns>The new arrival time when allowed; otherwise null and how long to wait.</returns>
    public static (long? NewTatTicks, TimeSpan RetryAfter) Check(long? tatTicks, long nowTicks, RateLimitRule rule)
    {
        var interval = rule.Period.Ticks / rule.Limit;
        var tat = Math.Max(tatTicks ?? nowTicks, nowTicks);
        var newTat = tat + interval;
        var allowAt = newTat - rule.Period.Ticks;
        return allowAt > nowTicks ? (null, TimeSpan.FromTicks(allowAt - nowTicks)) : (newTat, TimeSpan.Zero);
    }
}
