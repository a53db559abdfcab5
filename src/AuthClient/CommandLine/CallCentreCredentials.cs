namespace Recovery.Client.CommandLine;

/// <summary>
/// What the call-centre commands call with: the desktop's token (an option, else an environment variable,
/// else a masked prompt) and the agent's id (an option, else an environment variable, else a prompt).
/// </summary>
internal static class CallCentreCredentials
{
    public const string TokenOption = "--call-centre-token";
    public const string TokenVariable = "RECOVERY_CALL_CENTRE_TOKEN";
    public const string AgentOption = "--agent";
    public const string AgentVariable = "RECOVERY_AGENT_ID";

    public static readonly IReadOnlyList<OptionSpec> Specs =
    [
        new(TokenOption, "TOKEN", $"The call-centre desktop's token (server's CallCentre:Tokens); else ${TokenVariable}; else prompted (masked)."),
        new(AgentOption, "ID", $"The agent at the desk, audited with every step; else ${AgentVariable}; else prompted."),
    ];

    public static async Task<CallCentreClient> ClientAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken)
    {
        var token = options.Get(TokenOption)
            ?? NonEmpty(Environment.GetEnvironmentVariable(TokenVariable))
            ?? await context.AskSecretAsync("Call-centre token: ", $"missing {TokenOption}", cancellationToken).ConfigureAwait(false);
        var agent = options.Get(AgentOption)
            ?? NonEmpty(Environment.GetEnvironmentVariable(AgentVariable))
            ?? context.Ask("Agent id: ", $"missing {AgentOption}");
        return new CallCentreClient(context.Channel, token, agent, context.Global.Timeout);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
