using Recovery.V1;

namespace Recovery.Client.CommandLine.Commands;

/// <summary><c>status</c>: one customer's credential state (DirectoryService.GetCustomerStatus).</summary>
internal sealed class StatusCommand : ICliCommand
{
    private const string UserCodeOption = "--user-code";
    private const string CustomerIdOption = "--customer-id";

    public string Name => "status";

    public string Summary => "Show a customer's credential state (DirectoryService.GetCustomerStatus, admin).";

    public string Description =>
        "Calls GetCustomerStatus by user code or customer id and prints the credential state, whether a temporary\n" +
        "password is pending, failed logins, until when recovery is blocked and the number of cards. No secrets.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new(UserCodeOption, "CODE", "The customer's user code."),
        new(CustomerIdOption, "ID", "The customer's id (instead of --user-code)."),
        AdminToken.Spec,
    ];

    public IReadOnlyList<string> Examples { get; } =
    [
        "AuthClient status --user-code 10000001 --admin-token \"$TOKEN\"",
    ];

    public async Task<int> RunAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken)
    {
        var request = (options.Get(UserCodeOption), options.Get(CustomerIdOption)) switch
        {
            ({ } code, null) => new GetCustomerStatusRequest { UserCode = code },
            (null, { } id) => new GetCustomerStatusRequest { CustomerId = id },
            _ => throw new UsageException($"give exactly one of {UserCodeOption} and {CustomerIdOption}"),
        };
        var token = await AdminToken.RequireAsync(context, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var status = await context.Directory(token, context.Global.Timeout).GetCustomerStatusAsync(request, cancellationToken).ConfigureAwait(false);
            var output = context.Out;
            await output.WriteLineAsync($"customer id: {status.CustomerId}").ConfigureAwait(false);
            await output.WriteLineAsync($"user code: {status.UserCode}").ConfigureAwait(false);
            await output.WriteLineAsync($"credentials: {(status.CredentialState == CredentialState.Blocked ? "BLOCKED" : "ACTIVE")}").ConfigureAwait(false);
            await output.WriteLineAsync($"password in force: {(status.HasPassword ? "yes" : "no")}").ConfigureAwait(false);
            await output.WriteLineAsync($"must change password: {(status.PasswordChangeRequired ? $"yes (temporary password until {Show.Time(status.TemporaryPasswordExpireTime)})" : "no")}").ConfigureAwait(false);
            await output.WriteLineAsync($"failed logins: {status.FailedLogins}").ConfigureAwait(false);
            await output.WriteLineAsync($"recovery blocked until: {(status.RecoveryBlockedUntilTime is null ? "-" : Show.Time(status.RecoveryBlockedUntilTime))}").ConfigureAwait(false);
            await output.WriteLineAsync($"cards: {status.CardCount}").ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (RecoveryClientException ex)
        {
            context.ReportFailure(Name, ex);
            return ExitCodes.StepFailed;
        }
    }
}
