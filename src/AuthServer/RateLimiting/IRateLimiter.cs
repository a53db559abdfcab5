namespace Recovery.AuthServer.RateLimiting;

public interface IRateLimiter
{
    /// <summary>
    /// Takes one unit from every bucket, or from none: a call refused by one limit does not use up
    /// the others. All buckets are checked in one atomic step.
    /// </summary>
    Task<RateLimitDecision> TryAcquireAsync(IReadOnlyList<RateLimitKey> keys, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back the one unit a call allowed by <see cref="TryAcquireAsync"/> took from each bucket, when that call
    /// was then shed before doing its work (<see cref="Gcra.Refund"/>). Never makes a bucket hold more than its whole
    /// burst; a bucket that has expired meanwhile stays absent. All buckets in one atomic step.
    /// </summary>
    Task RefundAsync(IReadOnlyList<RateLimitKey> keys, DateTimeOffset now, CancellationToken cancellationToken);
}
