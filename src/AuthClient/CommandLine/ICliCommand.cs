namespace Recovery.Client.CommandLine;

/// <summary>A subcommand of the AuthClient tool. Register new ones in <see cref="Cli"/>'s command table.</summary>
internal interface ICliCommand
{
    /// <summary>The word that selects the command, e.g. <c>recover</c>.</summary>
    string Name { get; }

    /// <summary>One line for the top-level help.</summary>
    string Summary { get; }

    /// <summary>A paragraph for the command's own help.</summary>
    string Description { get; }

    /// <summary>The command's own options (global ones are added by the parser).</summary>
    IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>Example command lines shown in help.</summary>
    IReadOnlyList<string> Examples { get; }

    /// <summary>Runs the command; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    Task<int> RunAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken);
}
