using System.Globalization;
using System.Text;

namespace Recovery.Client.CommandLine;

/// <summary>The usage text of the tool and of each command.</summary>
internal static class HelpText
{
    public const string Tool = "AuthClient";

    private const string ExitCodesText =
        "Exit codes: 0 every step succeeded, 1 a step failed (details on stderr), 2 usage error, 130 cancelled.";

    public static string ForTool(IReadOnlyList<ICliCommand> commands)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Tool}: client of the Recovery gRPC server (recovery.v1).");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Usage: {Tool} [global options] <command> [options]");
        text.AppendLine(CultureInfo.InvariantCulture, $"       {Tool} <command> --help   (or: {Tool} help <command>)");
        text.AppendLine();
        text.AppendLine("Commands:");
        var width = commands.Max(c => c.Name.Length) + 2;
        foreach (var command in commands)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {command.Name.PadRight(width)}{command.Summary}");
        }

        text.AppendLine();
        AppendOptions(text, "Global options (before or after the command):", [.. GlobalOptions.Specs, HelpOption]);
        text.AppendLine();
        text.AppendLine(ExitCodesText);
        text.AppendLine();
        text.AppendLine("Examples:");
        foreach (var command in commands)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {command.Examples[0]}");
        }

        return text.ToString();
    }

    public static string ForCommand(ICliCommand command)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Usage: {Tool} {command.Name} [options]");
        text.AppendLine();
        text.AppendLine(command.Description);
        text.AppendLine();
        AppendOptions(text, "Options:", command.Options);
        text.AppendLine();
        AppendOptions(text, "Global options:", [.. GlobalOptions.Specs, HelpOption]);
        text.AppendLine();
        text.AppendLine(ExitCodesText);
        text.AppendLine();
        text.AppendLine(command.Examples.Count == 1 ? "Example:" : "Examples:");
        foreach (var example in command.Examples)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {example}");
        }

        return text.ToString();
    }

    private static OptionSpec HelpOption { get; } = new("-h, --help", null, "Show this help.");

    private static void AppendOptions(StringBuilder text, string title, IReadOnlyList<OptionSpec> options)
    {
        text.AppendLine(title);
        var width = options.Max(o => o.Synopsis.Length) + 2;
        foreach (var option in options)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {option.Synopsis.PadRight(width)}{option.Description}");
        }
    }
}
