namespace Recovery.Client.CommandLine.Commands;

/// <summary><c>evaluate</c>: the live strength meter RPC, for one candidate password.</summary>
internal sealed class EvaluateCommand : ICliCommand
{
    private const string PasswordOption = "--password";
    private const string TicketOption = "--change-ticket";

    public string Name => "evaluate";

    public string Summary => "Judge a candidate password as the strength meter does (EvaluatePassword).";

    public string Description =>
        "Calls EvaluatePassword and prints the strength level, its label, whether ChangePassword would accept the\n" +
        "password, and the rules it does not meet (required ones first, then recommendations). Has no side effects.\n" +
        "Exits 0 whenever the password was evaluated, acceptable or not.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new(PasswordOption, "PASSWORD", "The candidate password; prompted for (masked) when missing."),
        new(TicketOption, "TICKET", "Optional change ticket from login: the customer's own data then counts too."),
        Language.Spec,
    ];

    public IReadOnlyList<string> Examples { get; } =
    [
        "AuthClient evaluate --password 'Tortuga-Lunar-73!'",
        "AuthClient --server http://127.0.0.1:5000 evaluate --password 'abc' --language en",
    ];

    public async Task<int> RunAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken)
    {
        var language = Language.From(options);
        var password = await context.RequireSecretAsync(options, PasswordOption, "Contraseña: ", cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await context.Client
                .EvaluatePasswordAsync(password, options.Get(TicketOption), language, cancellationToken)
                .ConfigureAwait(false);

            var output = context.Out;
            await output.WriteLineAsync($"strength: {result.Strength}").ConfigureAwait(false);
            await output.WriteLineAsync($"label: {result.StrengthLabel}").ConfigureAwait(false);
            await output.WriteLineAsync($"acceptable: {(result.Acceptable ? "yes" : "no")}").ConfigureAwait(false);
            await output.WriteLineAsync(result.UnmetRules.Count == 0 ? "unmet rules: none" : "unmet rules:").ConfigureAwait(false);
            foreach (var rule in result.UnmetRules)
            {
                await output.WriteLineAsync($"  - {rule.Rule} ({(rule.Required ? "required" : "recommended")}): {rule.Message}")
                    .ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }
        catch (RecoveryClientException ex)
        {
            context.ReportFailure(Name, ex);
            return ExitCodes.StepFailed;
        }
    }
}
