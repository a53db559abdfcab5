namespace Recovery.Client.CommandLine.Commands;

/// <summary><c>lookup</c>: the call-centre view of an operation (CallCentreService.LookupOperation).</summary>
internal sealed class LookupCommand : ICliCommand
{
    private const string ReferenceOption = "--reference";

    public string Name => "lookup";

    public string Summary => "Find an operation by its reference, as a call-centre agent (CallCentreService.LookupOperation).";

    public string Description =>
        "Calls LookupOperation and prints what the agent may tell the caller: the description, the phone's last\n" +
        "digits, the state, and how many card checks and new codes are left. Nothing secret.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new(ReferenceOption, "REFERENCE", "The operation's 8-digit reference, as the customer's screen shows it."),
        .. CallCentreCredentials.Specs,
    ];

    public IReadOnlyList<string> Examples { get; } =
    [
        "AuthClient lookup --reference 23522111 --agent agente.0042 --call-centre-token \"$TOKEN\"",
    ];

    public async Task<int> RunAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken)
    {
        var reference = context.Require(options, ReferenceOption, "Reference: ");
        var client = await CallCentreCredentials.ClientAsync(context, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var found = await client.LookupOperationAsync(reference, cancellationToken).ConfigureAwait(false);
            var output = context.Out;
            await output.WriteLineAsync($"reference: {found.Reference}").ConfigureAwait(false);
            await output.WriteLineAsync($"description: {found.Description}").ConfigureAwait(false);
            await output.WriteLineAsync($"phone ending in: {found.PhoneLastDigits}").ConfigureAwait(false);
            await output.WriteLineAsync($"state: {found.State.ToString().ToUpperInvariant()}").ConfigureAwait(false);
            await output.WriteLineAsync($"opened: {Show.Time(found.CreateTime)}  expires: {Show.Time(found.ExpireTime)}").ConfigureAwait(false);
            await output.WriteLineAsync($"card checks left: {found.CardChecksRemaining}  new codes left: {found.ResendsRemaining}").ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (RecoveryClientException ex)
        {
            context.ReportFailure(Name, ex);
            return ExitCodes.StepFailed;
        }
    }
}
