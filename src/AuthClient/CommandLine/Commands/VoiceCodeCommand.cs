namespace Recovery.Client.CommandLine.Commands;

/// <summary><c>voice-code</c>: check the caller's card and get a signing code to read out (CallCentreService.IssueOperationCodeByVoice).</summary>
internal sealed class VoiceCodeCommand : ICliCommand
{
    private const string ReferenceOption = "--reference";
    private const string CardOption = "--card";
    private const string ExpiryOption = "--expiry";

    public string Name => "voice-code";

    public string Summary => "Check the caller's card and issue a signing code to read out (CallCentreService.IssueOperationCodeByVoice).";

    public string Description =>
        "Calls IssueOperationCodeByVoice: the card must be one of the operation's customer's cards, with its expiry\n" +
        "(3 checks per reference). Prints the new code for the agent to read out; the SMS code stops working.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new(ReferenceOption, "REFERENCE", "The operation's 8-digit reference."),
        new(CardOption, "PAN", "The caller's physical card number (starts with 4 or 5)."),
        new(ExpiryOption, "MM/YY", "The card's expiry."),
        .. CallCentreCredentials.Specs,
    ];

    public IReadOnlyList<string> Examples { get; } =
    [
        "AuthClient voice-code --reference 23522111 --card 4548812044110335 --expiry 12/29 --agent agente.0042",
    ];

    public async Task<int> RunAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken)
    {
        var reference = context.Require(options, ReferenceOption, "Reference: ");
        var card = context.Require(options, CardOption, "Card number: ");
        var expiry = context.Require(options, ExpiryOption, "Expiry (MM/YY): ");
        var client = await CallCentreCredentials.ClientAsync(context, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var issued = await client.IssueOperationCodeByVoiceAsync(reference, card, expiry, cancellationToken).ConfigureAwait(false);
            var output = context.Out;
            await output.WriteLineAsync($"code to read out: {issued.Code}").ConfigureAwait(false);
            await output.WriteLineAsync($"valid until: {Show.Time(issued.CodeExpireTime)}  new codes left: {issued.ResendsRemaining}").ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (RecoveryClientException ex)
        {
            context.ReportFailure(Name, ex);
            return ExitCodes.StepFailed;
        }
    }
}
