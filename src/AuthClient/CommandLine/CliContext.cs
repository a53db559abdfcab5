using Grpc.Net.Client;

namespace Recovery.Client.CommandLine;

/// <summary>What a command runs with: its writers, its input, and a client for the chosen server.</summary>
internal sealed class CliContext : IDisposable
{
    private readonly Func<string, GrpcChannel>? _channelFactory;
    private GrpcChannel? _ownedChannel;
    private GrpcChannel? _channel;
    private RecoveryClient? _client;

    public CliContext(TextWriter stdout, TextWriter stderr, Terminal terminal, GlobalOptions global, Func<string, GrpcChannel>? channelFactory)
    {
        Out = stdout;
        Error = stderr;
        Terminal = terminal;
        Global = global;
        _channelFactory = channelFactory;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public Terminal Terminal { get; }

    public GlobalOptions Global { get; }

    /// <summary>The client, created on first use so that help and usage errors never open a connection.</summary>
    public RecoveryClient Client => _client ??= Global.ChannelToken is { } token
        ? RecoveryClient.ForChannel(Channel, token, Global.Timeout)
        : new RecoveryClient(Channel, Global.Timeout);

    /// <summary>A client of the admin-only DirectoryService over the same channel.</summary>
    public DirectoryClient Directory(string adminToken, TimeSpan deadline) => new(Channel, adminToken, deadline);

    /// <summary>The channel to the server, created on first use (for calls the typed clients do not cover, e.g. health checks).</summary>
    public GrpcChannel Channel => _channel ??= CreateChannel();

    public void Dispose() => _ownedChannel?.Dispose();

    /// <summary>Reports a failed step on stderr.</summary>
    public void ReportFailure(string step, Exception exception, string? hint = null) =>
        ErrorReport.Write(Error, step, exception, hint, Global.Server);

    /// <summary>The option's value, or what the user types when it is missing.</summary>
    public string Require(ParsedOptions options, string option, string prompt) =>
        options.Get(option) ?? Ask(prompt, $"missing {option}");

    /// <summary>The option's value, or what the user types (masked) when it is missing.</summary>
    public async Task<string> RequireSecretAsync(ParsedOptions options, string option, string prompt, CancellationToken cancellationToken) =>
        options.Get(option) ?? await AskSecretAsync(prompt, $"missing {option}", cancellationToken).ConfigureAwait(false);

    /// <summary>A non-empty line typed by the user; <paramref name="missing"/> explains the usage error when there is no input.</summary>
    public string Ask(string prompt, string missing)
    {
        EnsureInputAllowed(missing);
        while (true)
        {
            var line = Terminal.ReadLine(prompt) ?? throw new UsageException($"{missing} (standard input ended).");
            if (line.Length > 0)
            {
                return line;
            }
        }
    }

    /// <summary>Like <see cref="Ask"/>, masked on a console.</summary>
    public async Task<string> AskSecretAsync(string prompt, string missing, CancellationToken cancellationToken)
    {
        EnsureInputAllowed(missing);
        while (true)
        {
            var line = await Terminal.ReadSecretAsync(prompt, cancellationToken).ConfigureAwait(false)
                ?? throw new UsageException($"{missing} (standard input ended).");
            if (line.Length > 0)
            {
                return line;
            }
        }
    }

    public void EnsureInputAllowed(string missing)
    {
        if (Global.NoInput)
        {
            throw new UsageException($"{missing} ({GlobalOptions.NoInputOption} forbids prompting).");
        }
    }

    private GrpcChannel CreateChannel()
    {
        // A channel from the caller's factory may be shared (tests); only the one we create is ours to dispose.
        if (_channelFactory is not null)
        {
            return _channelFactory(Global.Server);
        }

        _ownedChannel = GrpcChannel.ForAddress(Global.Server);
        return _ownedChannel;
    }
}
