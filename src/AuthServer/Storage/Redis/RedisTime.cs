namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// Instants as Unix microseconds. Lua numbers are doubles: exact up to 2^53, which microseconds
/// stay below until the year 2255, whereas .NET ticks (about 6.4e17) would lose precision in a
/// script's comparisons. Sub-microsecond parts are dropped on the way in.
/// </summary>
internal static class RedisTime
{
    public static long ToMicros(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

    /// <summary>
    /// A key's Redis TTL: until the logical end (judged from the store's clock) plus a margin. It is only
    /// garbage collection: every decision compares the <c>now</c> the store received, so tests with a
    /// fake clock behave the same and a clock skew between nodes and Redis cannot shorten a lifetime.
    /// </summary>
    public static long TtlMilliseconds(DateTimeOffset until, DateTimeOffset now, TimeSpan margin) =>
        (long)Math.Ceiling((Max(until - now, TimeSpan.Zero) + margin).TotalMilliseconds);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
