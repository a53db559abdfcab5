namespace Recovery.Client.CommandLine;

/// <summary>Options every command accepts: where the server is, how long each call may take, whether to prompt.</summary>
internal sealed record GlobalOptions(string Server, TimeSpan Timeout, bool NoInput)
{
    public const string DefaultServer = "http://127.0.0.1:5000";
    public const string ServerOption = "--server";
    public const string TimeoutOption = "--timeout";
    public const string NoInputOption = "--no-input";

    public static readonly IReadOnlyList<OptionSpec> Specs =
    [
        new(ServerOption, "URL", $"Server address (default {DefaultServer}). http:// uses HTTP/2 without TLS."),
        new(TimeoutOption, "SECONDS", "Deadline of each call in seconds (default 10)."),
        new(NoInputOption, null, "Never read standard input: a value that would be prompted for is a usage error."),
    ];

    public static GlobalOptions From(ParsedOptions options)
    {
        var server = options.Get(ServerOption) ?? DefaultServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"Option {ServerOption} needs an absolute http:// or https:// URL, not '{server}'.");
        }

        return new GlobalOptions(server, options.GetSeconds(TimeoutOption, RecoveryClient.StandardDeadline), options.Has(NoInputOption));
    }
}
