using System.Collections.Immutable;

namespace Recovery.AuthServer.Customers;

/// <summary>The login state of one subject: blocked or not, failures counted, and tries under way (id → lease end).</summary>
public sealed record LoginCounter(bool Blocked, int Failed, ImmutableDictionary<string, DateTimeOffset> Tries)
{
    public static LoginCounter Empty { get; } = new(false, 0, ImmutableDictionary<string, DateTimeOffset>.Empty.WithComparers(StringComparer.Ordinal));
}
