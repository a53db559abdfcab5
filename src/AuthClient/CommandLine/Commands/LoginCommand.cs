using Recovery.V1;

namespace Recovery.Client.CommandLine.Commands;

/// <summary><c>login</c>: one Login call, reporting a session or that the password must be changed.</summary>
internal sealed class LoginCommand : ICliCommand
{
    private const string UserCodeOption = "--user-code";
    private const string PasswordOption = "--password";

    public string Name => "login";

    public string Summary => "Log in with a user code and password (Login).";

    public string Description =>
        "Calls Login and prints what it grants: a session, or (after a recovery's temporary password) only a\n" +
        "password-change ticket with the customer's display name. Tokens and tickets are masked unless\n" +
        "--show-secrets is given. Note: 5 consecutive wrong passwords block the credentials.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new(UserCodeOption, "CODE", "The user code (\"Código de usuario\"); prompted for when missing."),
        new(PasswordOption, "PASSWORD", "The password; prompted for (masked) when missing."),
        Show.SecretsSpec,
    ];

    public IReadOnlyList<string> Examples { get; } =
    [
        "AuthClient login --user-code 12345678 --password 'Tortuga-Lunar-73!'",
    ];

    public async Task<int> RunAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken)
    {
        var showSecrets = options.Has(Show.SecretsOptionName);
        var userCode = context.Require(options, UserCodeOption, "Código de usuario: ");
        var password = await context.RequireSecretAsync(options, PasswordOption, "Contraseña: ", cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await context.Client.LoginAsync(userCode, password, cancellationToken).ConfigureAwait(false);
            var output = context.Out;
            switch (result.ResultCase)
            {
                case LoginResponse.ResultOneofCase.Session:
                    await output.WriteLineAsync("result: session").ConfigureAwait(false);
                    await output.WriteLineAsync($"token: {Secrets.Show(result.Session.Token, showSecrets)}").ConfigureAwait(false);
                    await output.WriteLineAsync($"expires: {Show.Time(result.Session.ExpireTime)}").ConfigureAwait(false);
                    return ExitCodes.Success;

                case LoginResponse.ResultOneofCase.PasswordChangeRequired:
                    var change = result.PasswordChangeRequired;
                    await output.WriteLineAsync("result: password_change_required").ConfigureAwait(false);
                    await output.WriteLineAsync($"display name: {change.DisplayName}").ConfigureAwait(false);
                    await output.WriteLineAsync($"change ticket: {Secrets.Show(change.ChangeTicket, showSecrets)}").ConfigureAwait(false);
                    await output.WriteLineAsync($"expires: {Show.Time(change.ExpireTime)}").ConfigureAwait(false);
                    return ExitCodes.Success;

                default:
                    context.ReportFailure(Name, new InvalidOperationException("The server's Login answer grants nothing (empty result)."));
                    return ExitCodes.StepFailed;
            }
        }
        catch (RecoveryClientException ex)
        {
            context.ReportFailure(Name, ex);
            return ExitCodes.StepFailed;
        }
    }
}
