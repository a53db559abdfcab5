namespace Recovery.Client.CommandLine;

/// <summary>
/// Splits the command line into a command and its options. Global options may stand before or after
/// the command; <c>--name value</c> and <c>--name=value</c> are both accepted.
/// </summary>
internal static class ArgParser
{
    public static readonly string[] HelpNames = ["-h", "--help"];

    public static ParsedCommandLine Parse(IReadOnlyList<string> args, IReadOnlyList<ICliCommand> commands)
    {
        ICliCommand? command = null;
        var options = new ParsedOptions();
        var help = false;

        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (HelpNames.Contains(token, StringComparer.Ordinal))
            {
                help = true;
                continue;
            }

            if (token == "--")
            {
                if (i + 1 < args.Count)
                {
                    throw new UsageException($"Unexpected argument '{args[i + 1]}': no command takes positional arguments.");
                }

                break;
            }

            if (token.Length > 1 && token[0] == '-')
            {
                var (name, inlineValue) = SplitInline(token);
                var spec = Find(name, GlobalOptions.Specs) ?? Find(name, command?.Options)
                    ?? throw UnknownOption(name, command, commands);

                if (!spec.TakesValue)
                {
                    if (inlineValue is not null)
                    {
                        throw new UsageException($"Option {name} takes no value.");
                    }

                    options.Add(name, null);
                    continue;
                }

                var value = inlineValue;
                if (value is null)
                {
                    // A value may itself start with '-' (a password can); only a known option name means "missing".
                    if (i + 1 >= args.Count || IsKnownOption(args[i + 1], command))
                    {
                        throw new UsageException($"Option {name} needs a value ({spec.ValueName}).");
                    }

                    value = args[++i];
                }

                options.Add(name, value);
                continue;
            }

            if (command is null)
            {
                command = commands.FirstOrDefault(c => string.Equals(c.Name, token, StringComparison.Ordinal))
                    ?? throw new UsageException($"Unknown command '{token}'. Commands: {string.Join(", ", commands.Select(c => c.Name))}.");
                continue;
            }

            throw new UsageException($"Unexpected argument '{token}' for '{command.Name}': every value goes after its option.");
        }

        return new ParsedCommandLine(command, options, help);
    }

    private static (string Name, string? Value) SplitInline(string token)
    {
        var equals = token.IndexOf('=', StringComparison.Ordinal);
        return token.StartsWith("--", StringComparison.Ordinal) && equals > 2
            ? (token[..equals], token[(equals + 1)..])
            : (token, null);
    }

    private static OptionSpec? Find(string name, IReadOnlyList<OptionSpec>? specs) =>
        specs?.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    private static bool IsKnownOption(string token, ICliCommand? command)
    {
        var name = SplitInline(token).Name;
        return HelpNames.Contains(name, StringComparer.Ordinal)
            || Find(name, GlobalOptions.Specs) is not null
            || Find(name, command?.Options) is not null;
    }

    private static UsageException UnknownOption(string name, ICliCommand? command, IReadOnlyList<ICliCommand> commands)
    {
        if (command is not null)
        {
            return new UsageException($"Unknown option {name} for '{command.Name}'.");
        }

        var owner = commands.FirstOrDefault(c => Find(name, c.Options) is not null);
        return owner is null
            ? new UsageException($"Unknown option {name}.")
            : new UsageException($"Option {name} belongs to '{owner.Name}' and must follow the command name.");
    }
}
