namespace Recovery.Client.CommandLine;

/// <summary>What <see cref="ArgParser"/> found: the command (null when none was named), its options and whether help was asked for.</summary>
internal sealed record ParsedCommandLine(ICliCommand? Command, ParsedOptions Options, bool Help);
