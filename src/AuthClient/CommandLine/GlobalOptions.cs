namespace Recovery.Client.CommandLine;

/// <summary>
/// Options every command accepts: where the server is, how long each call may take, whether to prompt, and
/// the channel's token when the server authenticates channels.
/// </summary>
internal sealed record GlobalOptions(string Server, TimeSpan Timeout, bool NoInput, string? ChannelToken = null)
{
    public const string DefaultServer = "http://127.0.0.1:5000";
    public const string ServerOption = "--server";
    public const string TimeoutOption = "--timeout";
    public const string NoInputOption = "--no-input";
    public const string ChannelTokenOption = "--channel-token";

    /// <summary>Read when the option is absent, so that the token need not appear in shell history or process lists.</summary>
    public const string ChannelTokenVariable = "RECOVERY_CHANNEL_TOKEN";

    public static readonly IReadOnlyList<OptionSpec> Specs =
    [
        new(ServerOption, "URL", $"Server address (default {DefaultServer}). http:// uses HTTP/2 without TLS."),
        new(TimeoutOption, "SECONDS", "Deadline of each call in seconds (default 10)."),
        new(NoInputOption, null, "Never read standard input: a value that would be prompted for is a usage error."),
        new(ChannelTokenOption, "TOKEN", $"Channel token (server's Channels:Tokens), sent as authorization: Bearer; else ${ChannelTokenVariable}; else none (a Development server without channel tokens)."),
    ];

    public static GlobalOptions From(ParsedOptions options)
    {
        var server = options.Get(ServerOption) ?? DefaultServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"Option {ServerOption} needs an absolute http:// or https:// URL, not '{server}'.");
        }

        var channelToken = options.Get(ChannelTokenOption) ?? Environment.GetEnvironmentVariable(ChannelTokenVariable);
        return new GlobalOptions(
            server,
            options.GetSeconds(TimeoutOption, RecoveryClient.StandardDeadline),
            options.Has(NoInputOption),
            string.IsNullOrWhiteSpace(channelToken) ? null : channelToken.Trim());
    }
}
