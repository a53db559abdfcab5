namespace Recovery.Client.CommandLine;

/// <summary>The DirectoryService admin token: an option, else an environment variable, else a masked prompt.</summary>
internal static class AdminToken
{
    public const string OptionName = "--admin-token";

    /// <summary>Read when the option is absent, so that the token need not appear in shell history or process lists.</summary>
    public const string EnvironmentVariable = "RECOVERY_ADMIN_TOKEN";

    public static readonly OptionSpec Spec = new(OptionName, "TOKEN",
        $"DirectoryService admin token (Directory:AdminTokens); else ${EnvironmentVariable}; else prompted (masked).");

    public static async Task<string> RequireAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken) =>
        options.Get(OptionName)
        ?? NonEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable))
        ?? await context.AskSecretAsync("Admin token: ", $"missing {OptionName}", cancellationToken).ConfigureAwait(false);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
