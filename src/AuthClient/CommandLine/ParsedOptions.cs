using System.Globalization;

namespace Recovery.Client.CommandLine;

/// <summary>The options given on the command line, by name (e.g. <c>--card</c>); flags map to null.</summary>
internal sealed class ParsedOptions
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public void Add(string name, string? value)
    {
        // Last-one-wins would let a CI script silently run with a value it did not mean.
        if (!_values.TryAdd(name, value))
        {
            throw new UsageException($"Option {name} was given more than once.");
        }
    }

    /// <summary>A positive number of seconds, e.g. <c>--timeout 2.5</c>.</summary>
    public TimeSpan GetSeconds(string name, TimeSpan fallback)
    {
        var text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || seconds <= 0 || seconds > 86_400)
        {
            throw new UsageException($"Option {name} needs a number of seconds greater than 0 (and at most 86400), not '{text}'.");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
