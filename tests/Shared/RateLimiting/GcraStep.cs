using Recovery.AuthServer.RateLimiting;

namespace Recovery.AuthServer.SharedTests.RateLimiting;

/// <summary>
/// One call of a <see cref="GcraCase"/>: at <paramref name="At"/> after <see cref="GcraCases.Start"/>, take one unit
/// from each of <paramref name="Buckets"/> (names of the case's buckets, in the call's order) and expect
/// <paramref name="Expected"/> exactly (allowed or not, the wait to the microsecond, the refusing bucket).
/// </summary>
internal sealed record GcraStep(TimeSpan At, string[] Buckets, RateLimitDecision Expected)
{
    public DateTimeOffset Now => GcraCases.Start + At;

    public override string ToString() =>
        $"at {At} [{string.Join(", ", Buckets)}] → {(Expected.Allowed ? "allowed" : $"refused by {Expected.LimitedKey}, retry after {Expected.RetryAfter}")}";
}
