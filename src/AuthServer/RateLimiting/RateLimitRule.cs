using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.RateLimiting;

/// <summary><see cref="Limit"/> calls per <see cref="Period"/>, allowed as a burst then smoothly (GCRA).</summary>
public sealed class RateLimitRule
{
    [Range(1, 1_000_000)]
    public int Limit { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Period { get; set; }

    public static RateLimitRule Of(int limit, TimeSpan period) => new() { Limit = limit, Period = period };
}
