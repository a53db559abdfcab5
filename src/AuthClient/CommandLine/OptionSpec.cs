namespace Recovery.Client.CommandLine;

/// <summary>One option a command accepts. <paramref name="ValueName"/> is null for a flag.</summary>
internal sealed record OptionSpec(string Name, string? ValueName, string Description)
{
    public bool TakesValue => ValueName is not null;

    public string Synopsis => TakesValue ? $"{Name} {ValueName}" : Name;
}
