namespace Recovery.AuthServer.RateLimiting;

public interface IRateLimiter
{
    /// <summary>
    /// Takes one unit from every bucket, or from none: a call refused by one limit does not use up
    /// the others. All buckets are checked in one atomic step.
    /// </summary>
    Task<RateLimitDecision> TryAcquireAsync(IReadOnlyList<RateLimitKey> keys, DateTimeOffset now, CancellationToken cancellationToken);
}
