using Recovery.AuthServer.RateLimiting;

namespace Recovery.AuthServer.SharedTests.RateLimiting;

/// <summary>
/// One row of <see cref="GcraCases"/>: buckets (name → rule), all empty at the start, and the calls made on them in
/// order. Later calls show what earlier ones stored, so a row checks the state as well as the answers.
/// </summary>
internal sealed record GcraCase(string Name, IReadOnlyDictionary<string, RateLimitRule> Rules, IReadOnlyList<GcraStep> Steps)
{
    public RateLimitKey[] Keys(GcraStep step) => step.Buckets.Select(b => new RateLimitKey(b, Rules[b])).ToArray();

    public override string ToString() => Name;
}
