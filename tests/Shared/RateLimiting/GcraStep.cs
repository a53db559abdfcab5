using Recovery.AuthServer.RateLimiting;

namespace Recovery.AuthServer.SharedTests.RateLimiting;

/// <summary>
/// One call of a <see cref="GcraCase"/>: at <paramref name="At"/> after <see cref="GcraCases.Start"/>, take one unit
/// from each of <paramref name="Buckets"/> (names of the case's buckets, in the call's order) and expect
/// <paramref name="Expected"/> exactly (allowed or not, the wait to the microsecond, the refusing bucket). A
/// <paramref name="Refund"/> step gives one unit back to each of the buckets instead (it answers nothing; the calls
/// after it show what it stored).
/// </summary>
internal sealed record GcraStep(TimeSpan At, string[] Buckets, RateLimitDecision Expected, bool Refund = false)
{
    /// <summary>What a refund step "answers" in a row's list of answers: it answers nothing, so a fixed placeholder.</summary>
    public static readonly RateLimitDecision Refunded = new(true, TimeSpan.Zero, "refunded");

    public DateTimeOffset Now => GcraCases.Start + At;

    public override string ToString() =>
        Refund ? $"at {At} refund [{string.Join(", ", Buckets)}]" :
        $"at {At} [{string.Join(", ", Buckets)}] → {(Expected.Allowed ? "allowed" : $"refused by {Expected.LimitedKey}, retry after {Expected.RetryAfter}")}";
}
