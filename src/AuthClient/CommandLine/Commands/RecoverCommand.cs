namespace Recovery.Client.CommandLine.Commands;

/// <summary><c>recover</c>: the whole flow of the seed screens, steps 1 to 6, then a login with the new password.</summary>
internal sealed class RecoverCommand : ICliCommand
{
    public const string CardOption = "--card";
    public const string ExpiryOption = "--expiry";
    public const string DocumentOption = "--document";
    public const string CaptchaOption = "--captcha";
    public const string NewPasswordOption = "--new-password";
    public const string DevSinkOption = "--dev-sink";
    public const string SinkTimeoutOption = "--sink-timeout";

    public const string DefaultCaptcha = "dev-ok";
    public static readonly TimeSpan DefaultSinkTimeout = TimeSpan.FromSeconds(10);

    public string Name => "recover";

    public string Summary => "Walk the whole recovery flow: card, SMS code, new credentials, password change, signature.";

    public string Description =>
        "Walks the flow of the seed screens: 1 Tu dato (StartRecovery) · 2 Confirmación (ConfirmRecovery) ·\n" +
        "3 Selección confirmada · 4 Acceso (Login with the temporary password) · 5 Cambio de contraseña\n" +
        "(EvaluatePassword, ChangePassword) · 6 Gestión de claves (SignOperation), then logs in with the new\n" +
        "password. Values not given as options are prompted for; the new password is typed masked with a live\n" +
        "strength meter. With --dev-sink, the SMS code, user code, temporary password and signing code are read\n" +
        "from the server's development sink instead of prompted: with every option given it never reads stdin.\n" +
        "Codes, passwords and tokens are masked in the output unless --show-secrets is given.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new(CardOption, "NUMBER", "Payment card number (PAN), 13-19 digits; prompted for when missing."),
        new(ExpiryOption, "MM/YY", "Card expiry as printed; prompted for when missing."),
        new(DocumentOption, "ID", "Identity document: DNI, NIE or passport; prompted for when missing."),
        new(CaptchaOption, "TOKEN", $"Captcha token (\"No soy un robot\"; default {DefaultCaptcha}, which a development server accepts), or {CaptchaAnswer.Altcha} to solve the server's ALTCHA challenge (Captcha:Provider Altcha)."),
        new(NewPasswordOption, "PASSWORD", "The new password (also used as the repetition); prompted for, masked with a live meter, when missing."),
        new(DevSinkOption, "FILE", "The server's dev notification sink (Notifications__DevSink__Path): read codes and credentials from it."),
        new(SinkTimeoutOption, "SECONDS", "How long to wait for each message in the dev sink (default 10)."),
        Language.Spec,
        Show.SecretsSpec,
    ];

    public IReadOnlyList<string> Examples { get; } =
    [
        "AuthClient recover --card 4548812044110335 --expiry 12/29 --document 12345678Z --captcha dev-ok " +
        "--new-password 'Tortuga-Lunar-73!' --dev-sink /tmp/recovery-sink.jsonl",
        "AuthClient recover    (interactive: prompts for every value)",
    ];

    public Task<int> RunAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken)
    {
        var sinkPath = options.Get(DevSinkOption);
        var settings = new RecoverSettings(
            Language: Language.From(options),
            Captcha: options.Get(CaptchaOption) ?? DefaultCaptcha,
            NewPassword: options.Get(NewPasswordOption),
            Sink: sinkPath is null ? null : new DevSinkReader(sinkPath),
            SinkTimeout: options.GetSeconds(SinkTimeoutOption, DefaultSinkTimeout),
            ShowSecrets: options.Has(Show.SecretsOptionName));

        if (sinkPath is null && options.Has(SinkTimeoutOption))
        {
            throw new UsageException($"Option {SinkTimeoutOption} only applies with {DevSinkOption}.");
        }

        // Without input every value must be known before the first call: failing at step 2 would leave
        // an SMS sent and a recovery open for nothing.
        if (context.Global.NoInput)
        {
            var missing = new[] { CardOption, ExpiryOption, DocumentOption, NewPasswordOption, DevSinkOption }
                .Where(o => !options.Has(o)).ToList();
            if (missing.Count > 0)
            {
                throw new UsageException(
                    $"{GlobalOptions.NoInputOption} needs every value as an option; missing: {string.Join(", ", missing)}.");
            }
        }

        return new RecoverFlow(context, options, settings).RunAsync(cancellationToken);
    }
}
