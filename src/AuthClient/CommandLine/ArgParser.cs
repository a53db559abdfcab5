using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace Recovery.Client.CommandLine;

/// <summary>
/// Parses the command line with System.CommandLine, from the command table's own option lists: global options may
/// stand before or after the command; <c>--name value</c> and <c>--name=value</c> are both accepted; each option at
/// most once; the <c>[suggest]</c> directive answers shell completion (<c>dotnet-suggest</c>).
/// </summary>
internal static class ArgParser
{
    public static readonly string[] HelpNames = ["-h", "--help"];

    // Why bundling and response files are off: a password or token is an option's value and may start with '-' or
    // '@'. With POSIX bundling, "-hh" would be read as two "-h" (help) instead of a password; with response files,
    // "@secret" would make the tool read a file of that name and put its contents on the command line.
    private static readonly ParserConfiguration Configuration = new()
    {
        EnablePosixBundling = false,
        ResponseFileTokenReplacer = null,
    };

    /// <summary>The tree System.CommandLine parses with: a root carrying the global options, one subcommand per entry.</summary>
    public static RootCommand Tree(IReadOnlyList<ICliCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var root = new RootCommand($"{HelpText.Tool}: client of the Recovery gRPC server (recovery.v1).");

        // Invocable without a command, so that System.CommandLine does not call that an error: the tool answers it
        // with its own help on stderr and exit code 2.
        root.SetAction(_ => ExitCodes.Usage);
        foreach (var spec in GlobalOptions.Specs)
        {
            var option = ToOption(spec);
            option.Recursive = true;
            root.Options.Add(option);
        }

        foreach (var command in commands)
        {
            var sub = new Command(command.Name, command.Summary);
            foreach (var spec in command.Options)
            {
                sub.Options.Add(ToOption(spec));
            }

            root.Subcommands.Add(sub);
        }

        return root;
    }

    public static ParsedCommandLine Parse(IReadOnlyList<string> args, IReadOnlyList<ICliCommand> commands)
    {
        var root = Tree(commands);
        var result = root.Parse(args, Configuration);
        var command = commands.FirstOrDefault(c => c.Name == result.CommandResult.Command.Name);
        var help = result.GetResult(root.Options.OfType<HelpOption>().Single()) is not null;
        if (result.Errors.Count > 0 && !help)
        {
            throw new UsageException(Explain(result.Errors[0], args, command, commands));
        }

        var options = new ParsedOptions();
        foreach (var optionResult in result.CommandResult.Children.Concat(result.RootCommandResult.Children).OfType<OptionResult>().Distinct())
        {
            if (optionResult.Option is HelpOption || optionResult.Implicit)
            {
                continue;
            }

            options.Add(optionResult.Option.Name, optionResult.Option.ValueType == typeof(bool) ? null : optionResult.GetValueOrDefault<string>());
        }

        return new ParsedCommandLine(command, options, help);
    }

    /// <summary>
    /// The completions for the word at <paramref name="position"/> of <paramref name="line"/> (what the
    /// <c>[suggest:position]</c> directive prints for a shell): command names, then the named command's options.
    /// </summary>
    public static IReadOnlyList<string> Suggest(string line, int position, IReadOnlyList<ICliCommand> commands) =>
        [.. Tree(commands).Parse(line, Configuration).GetCompletions(position).Select(c => c.Label)];

    /// <summary>
    /// The parse of a command line that System.CommandLine answers itself (the <c>[suggest]</c> completion directive,
    /// <c>--version</c>), to invoke; null for every other command line.
    /// </summary>
    public static ParseResult? Builtin(IReadOnlyList<string> args, IReadOnlyList<ICliCommand> commands)
    {
        var root = Tree(commands);
        var result = root.Parse(args, Configuration);
        var suggest = root.Directives.OfType<SuggestDirective>().Any(d => result.GetResult(d) is not null);
        var version = root.Options.OfType<VersionOption>().Any(o => result.GetResult(o) is not null);
        return suggest || version ? result : null;
    }

    private static Option ToOption(OptionSpec spec)
    {
        if (!spec.TakesValue)
        {
            return new Option<bool>(spec.Name) { Description = spec.Description, Arity = ArgumentArity.Zero };
        }

        return new Option<string>(spec.Name) { Description = spec.Description, HelpName = spec.ValueName, Arity = ArgumentArity.ExactlyOne };
    }

    /// <summary>System.CommandLine's error, with the tool's hint where it knows better (an option of another command).</summary>
    private static string Explain(ParseError error, IReadOnlyList<string> args, ICliCommand? command, IReadOnlyList<ICliCommand> commands)
    {
        var at = args.Select(a => a.Split('=', 2)[0]).ToList()
            .FindIndex(a => a.StartsWith("--", StringComparison.Ordinal) && error.Message.Contains($"'{a}'", StringComparison.Ordinal));
        var unknown = at < 0 ? null : args[at].Split('=', 2)[0];
        var owner = commands.FirstOrDefault(c => c.Options.Any(o => o.Name == unknown));
        var commandAt = command is null ? -1 : args.ToList().IndexOf(command.Name);
        if (owner is not null && (command is null || at < commandAt))
        {
            return $"Option {unknown} belongs to '{owner.Name}' and must follow the command name.";
        }

        return error.Message;
    }
}
