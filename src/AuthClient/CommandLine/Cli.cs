using System.CommandLine;
using Grpc.Net.Client;
using Recovery.Client.CommandLine;
using Recovery.Client.CommandLine.Commands;

namespace Recovery.Client;

/// <summary>The AuthClient command-line tool, callable in-process (tests) as well as from <c>Main</c>.</summary>
public static class Cli
{
    // The command table. New commands are added here as ICliCommand classes in CommandLine/Commands;
    // nothing else changes.
    private static readonly IReadOnlyList<ICliCommand> Commands =
    [
        new RecoverCommand(),
        new EvaluateCommand(),
        new LoginCommand(),
        new ImportCommand(),
        new StatusCommand(),
        new BurstCommand(),
        new LookupCommand(),
        new VoiceCodeCommand(),
    ];

    /// <summary>Runs the tool on the process console; Ctrl+C cancels the current step.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Let the running call end with a clean "cancelled" instead of killing the process mid-write.
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunCoreAsync(args, Console.Out, Console.Error, Console.In, isConsole: true, null, cancellation.Token)
                .ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs the tool with the given writers and input, e.g. from a test.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdout">Where the flow's screens go.</param>
    /// <param name="stderr">Where failures and usage errors go.</param>
    /// <param name="stdin">Where prompted values are read from, one per line (never read key by key).</param>
    /// <param name="channelFactory">
    /// Builds the channel for the <c>--server</c> URL, e.g. over a test server's handler. The tool does not
    /// dispose a channel it got this way. Null: <see cref="GrpcChannel.ForAddress(string)"/>.
    /// </param>
    /// <param name="cancellationToken">Cancels the running step; the tool then returns 130.</param>
    /// <returns>The exit code: 0 success, 1 a step failed, 2 usage error, 130 cancelled.</returns>
    public static Task<int> RunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin,
        Func<string, GrpcChannel>? channelFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(stdin);
        return RunCoreAsync(args, stdout, stderr, stdin, isConsole: false, channelFactory, cancellationToken);
    }

    private static async Task<int> RunCoreAsync(
        string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin, bool isConsole,
        Func<string, GrpcChannel>? channelFactory, CancellationToken cancellationToken)
    {
        // "AuthClient help [command]" is the same as "AuthClient [command] --help".
        if (args is ["help", .. var rest])
        {
            args = [.. rest, "--help"];
        }

        if (ArgParser.Builtin(args, Commands) is { } builtin)
        {
            return await builtin.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken).ConfigureAwait(false);
        }

        ParsedCommandLine parsed;
        try
        {
            parsed = ArgParser.Parse(args, Commands);
        }
        catch (UsageException) when (args.Any(a => ArgParser.HelpNames.Contains(a, StringComparer.Ordinal)))
        {
            // "--help" wins over a mistake elsewhere on the line: show the help the user asked for.
            var named = Commands.FirstOrDefault(c => args.Contains(c.Name, StringComparer.Ordinal));
            await stdout.WriteAsync(named is null ? HelpText.ForTool(Commands) : HelpText.ForCommand(named)).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (UsageException ex)
        {
            return await UsageErrorAsync(stderr, ex.Message, Commands.FirstOrDefault(c => args.Contains(c.Name, StringComparer.Ordinal)))
                .ConfigureAwait(false);
        }

        if (parsed.Help)
        {
            await stdout.WriteAsync(parsed.Command is null ? HelpText.ForTool(Commands) : HelpText.ForCommand(parsed.Command)).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (parsed.Command is null)
        {
            await stderr.WriteAsync(HelpText.ForTool(Commands)).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            var global = GlobalOptions.From(parsed.Options);
            using var context = new CliContext(stdout, stderr, new Terminal(stdin, stdout, isConsole), global, channelFactory);
            return await parsed.Command.RunAsync(context, parsed.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            return await UsageErrorAsync(stderr, ex.Message, parsed.Command).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        finally
        {
            await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await stderr.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<int> UsageErrorAsync(TextWriter stderr, string message, ICliCommand? command)
    {
        await stderr.WriteLineAsync($"error: {message}").ConfigureAwait(false);
        await stderr.WriteLineAsync(command is null
            ? $"Run '{HelpText.Tool} --help' for usage."
            : $"Run '{HelpText.Tool} {command.Name} --help' for usage.").ConfigureAwait(false);
        return ExitCodes.Usage;
    }
}
