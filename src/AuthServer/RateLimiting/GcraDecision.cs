namespace Recovery.AuthServer.RateLimiting;

/// <summary>
/// What <see cref="Gcra.Acquire"/> decided: allowed, with every bucket's new arrival time to store; or refused by
/// one bucket, with how long until it would allow the call, and nothing to store.
/// </summary>
/// <param name="RefusedBy">The index of the bucket that refused, or -1 when allowed.</param>
/// <param name="RetryAfterMicros">When refused, how long until the refusing bucket allows one more (µs); else 0.</param>
/// <param name="NewTats">When allowed, each bucket's new arrival time (µs), in the call's order; else empty.</param>
public sealed record GcraDecision(int RefusedBy, long RetryAfterMicros, IReadOnlyList<long> NewTats)
{
    public bool IsAllowed => RefusedBy < 0;

    public TimeSpan RetryAfter => TimeSpan.FromMicroseconds(RetryAfterMicros);

    public static GcraDecision Allowed(IReadOnlyList<long> newTats) => new(-1, 0, newTats);

    public static GcraDecision Refused(int bucket, long retryAfterMicros) => new(bucket, retryAfterMicros, []);
}
