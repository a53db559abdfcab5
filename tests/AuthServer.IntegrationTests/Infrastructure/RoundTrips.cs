namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// What <see cref="RedisTripProxy"/> saw during one call: the sequential steps, each with the commands sent together
/// (connection, command name and keys; never arguments).
/// </summary>
public sealed class RoundTrips(IReadOnlyList<IReadOnlyList<string>> steps)
{
    public IReadOnlyList<IReadOnlyList<string>> Steps { get; } = steps;

    /// <summary>The number of sequential round trips.</summary>
    public int Count => Steps.Count;

    public int Commands => Steps.Sum(s => s.Count);

    /// <summary>One line per step, for assertion messages.</summary>
    public override string ToString() =>
        $"{Count} round trip(s):" + string.Concat(Steps.Select((s, i) => $"{Environment.NewLine}  {i + 1}: {string.Join(" | ", s)}"));
}
