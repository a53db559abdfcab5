using System.Globalization;
using System.Text.Json;
using Recovery.Client.Burst;

namespace Recovery.Client.CommandLine.Commands;

/// <summary><c>burst</c>: provisions synthetic customers and unlocks them all concurrently, measured against its anchors.</summary>
internal sealed class BurstCommand : ICliCommand
{
    public const string CustomersOption = "--customers";
    public const string ConcurrencyOption = "--concurrency";
    public const string RateOption = "--rate";
    public const string DevSinkOption = "--dev-sink";
    public const string JsonOption = "--json";
    public const string MarkdownOption = "--markdown";
    public const string ChartOption = "--chart";
    public const string ServerCoresOption = "--server-cores";
    public const string AnchorSecondsOption = "--anchor-seconds";
    public const string Argon2SamplesOption = "--argon2-samples";
    public const string SinkTimeoutOption = "--sink-timeout";
    public const string CaptchaOption = "--captcha";
    public const string OverloadOption = "--overload";
    public const string DurationOption = "--duration";
    public const string MaxInFlightOption = "--max-in-flight";
    public const string CapacitySecondsOption = "--capacity-seconds";
    public const string CapacityConcurrencyOption = "--capacity-concurrency";
    public const string Argon2PerFlowOption = "--argon2-per-flow";
    public const string BaselineSecondsOption = "--baseline-seconds";
    public const string PatienceOption = "--patience";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public string Name => "burst";

    public string Summary => "Load runner: provision synthetic customers, unlock them in closed or open loop, report against capacity measured in the same run.";

    public string Description =>
        "Measures the anchors at concurrency C: Health/Check rate, StartRecovery rate on decoy cards, the single-hash\n" +
        "Argon2 time (median Login with a wrong password for an unknown user code minus the median health check). Then\n" +
        "the server's hashing capacity from outside: unknown-user Logins kept 4 per server core in flight for a few\n" +
        "seconds, each answer one Argon2 verify, so capacity = verifies/s ÷ Argon2 per flow (2). Then provisions\n" +
        "synthetic customers through ImportCustomers (admin; the run id is in their user codes, cards and phones; no\n" +
        "initial password, so only a recovery lets them in) and unlocks each (StartRecovery, ConfirmRecovery, Login,\n" +
        "ChangePassword, SignOperation, Login), reading codes from the dev sink. Closed loop by default (C workers);\n" +
        "open loop with --rate R or --overload N (R = N × the measured capacity): flows arrive at R per second for\n" +
        "--duration, after a short closed-loop baseline. A shed call (RESOURCE_EXHAUSTED, UNAVAILABLE OVERLOADED) is\n" +
        "sent again after the delay its RetryInfo advises, within the customer's --patience and the life of the code or\n" +
        "ticket it carries. Reports flows/s against the capacity and the baseline, time to session per customer, shed\n" +
        "answers by step, retries, p99 of admitted calls per RPC, errors with what the client saw, the client's CPU\n" +
        "share and memory; Markdown on stdout, JSON with --json, an SVG chart with --chart. Progress goes to stderr.\n" +
        "The server must run in Development with a dev sink and rate limits raised for the load (docs/performance.md).\n" +
        "Exits 1 when any call failed other than by explicit shedding (DEADLINE_EXCEEDED and UNAVAILABLE without\n" +
        "ErrorInfo are errors), or when provisioning failed.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new(CustomersOption, "N", $"Customers to unlock (default {BurstRunner.DefaultCustomers} in closed loop; in open loop rate × {DurationOption}; at most {SyntheticCustomers.MaxCustomers})."),
        new(ConcurrencyOption, "C", "Concurrent workers for the anchors and the closed-loop flows (default 4 × this machine's cores)."),
        new(RateOption, "R", "Open loop: start R flows per second whatever the server does (see --max-in-flight)."),
        new(OverloadOption, "N", "Open loop at N × the capacity measured in the same run (instead of --rate), e.g. 5."),
        new(DurationOption, "SECONDS", "Open loop: flows keep arriving for this long (default 30; '30s' works too); not with --customers."),
        new(MaxInFlightOption, "N", "Open loop: cap the flows in flight at N (default none: a late flow is the server's lag, not the client's)."),
        new(BaselineSecondsOption, "SECONDS", "Open loop: closed-loop baseline phase before the burst, the goodput's yardstick (default 5; 0 skips it)."),
        new(PatienceOption, "SECONDS", "How long a customer keeps retrying shed calls before giving up (default 300)."),
        new(CapacitySecondsOption, "SECONDS", "How long the capacity probe measures (default 3)."),
        new(CapacityConcurrencyOption, "N", "Unknown-user Logins the capacity probe keeps in flight (default 4 × --server-cores)."),
        new(Argon2PerFlowOption, "N", $"Argon2 computations one unlock costs the server (default {BurstSettings.DefaultArgon2PerFlow}: ChangePassword's hash, the last Login's verify)."),
        new(DevSinkOption, "FILE", "The server's dev notification sink (Notifications:DevSink:Path). Required."),
        new(JsonOption, "FILE", "Also write the report as JSON to FILE."),
        new(MarkdownOption, "FILE", "Also write the Markdown report to FILE."),
        new(ChartOption, "FILE.svg", "Write an SVG chart of flows completed per second, the p99 of admitted hashing calls and of time to session."),
        new(ServerCoresOption, "N", "Cores of the server, for the capacity probe's concurrency (default this machine's: load tests here run on loopback)."),
        new(AnchorSecondsOption, "SECONDS", "How long each rate anchor runs (default 3)."),
        new(Argon2SamplesOption, "N", "Sequential calls behind each median of the single-hash estimate (default 15)."),
        new(SinkTimeoutOption, "SECONDS", "How long to wait for each dev-sink message (default 30)."),
        new(CaptchaOption, "TOKEN", $"Captcha token StartRecovery sends (default {RecoverCommand.DefaultCaptcha}), or {CaptchaAnswer.Altcha} to solve a fresh ALTCHA challenge of the server for each start."),
        AdminToken.Spec,
    ];

    public IReadOnlyList<string> Examples { get; } =
    [
        "AuthClient burst --server http://127.0.0.1:5099 --customers 500 --concurrency 8 --dev-sink /tmp/burst-sink.jsonl --json burst.json",
        "RECOVERY_ADMIN_TOKEN=... AuthClient --timeout 30 burst --customers 2000 --dev-sink /tmp/burst-sink.jsonl --markdown burst.md",
        "AuthClient burst --server http://127.0.0.1:5099 --overload 5 --duration 30 --dev-sink /tmp/burst-sink.jsonl --chart burst.svg",
    ];

    public async Task<int> RunAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken)
    {
        var sinkPath = options.Get(DevSinkOption) ?? throw new UsageException($"missing {DevSinkOption}");
        var settings = Settings(options);
        var jsonPath = options.Get(JsonOption);
        var markdownPath = options.Get(MarkdownOption);
        var chartPath = options.Get(ChartOption);
        var token = await AdminToken.RequireAsync(context, options, cancellationToken).ConfigureAwait(false);

        // ImportCustomers is one call for all customers: give it room beyond the per-call deadline.
        var liveProgress = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
        var runner = new BurstRunner(
            context.Client, count => context.Directory(token, context.Global.Timeout + TimeSpan.FromMilliseconds(5.0 * count)), new HealthProbe(context.Channel.CreateCallInvoker(), context.Global.Timeout),
            new DevSinkReader(sinkPath), settings, context.Global.Server, context.Error, liveProgress);

        BurstReport? report;
        try
        {
            report = await runner.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RecoveryClientException ex)
        {
            // Only an anchor's sequential Login or provisioning lets an RPC failure escape: every other one is counted in the report.
            context.ReportFailure($"{Name}: anchors or provisioning", ex);
            return ExitCodes.StepFailed;
        }

        if (report is null)
        {
            return ExitCodes.StepFailed;
        }

        var markdown = BurstMarkdown.Write(report);
        await context.Out.WriteAsync(markdown).ConfigureAwait(false);
        if (jsonPath is not null)
        {
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, Json) + "\n", cancellationToken).ConfigureAwait(false);
        }

        if (markdownPath is not null)
        {
            await File.WriteAllTextAsync(markdownPath, markdown, cancellationToken).ConfigureAwait(false);
        }

        if (chartPath is not null)
        {
            await File.WriteAllTextAsync(chartPath, BurstChart.Write(report), cancellationToken).ConfigureAwait(false);
        }

        if (report.Errors > 0)
        {
            await context.Error.WriteLineAsync($"error: {report.Errors} call(s) failed other than by explicit shedding; see the report.").ConfigureAwait(false);
            return ExitCodes.StepFailed;
        }

        return ExitCodes.Success;
    }

    private static BurstSettings Settings(ParsedOptions options)
    {
        var rate = Number(options, RateOption, 0.1, 100_000);
        var overload = Number(options, OverloadOption, 0.01, 1_000);
        if (rate is not null && overload is not null)
        {
            throw new UsageException($"Give {RateOption} or {OverloadOption}, not both: {OverloadOption} sets the rate from the measured capacity.");
        }

        var openLoop = rate is not null || overload is not null;
        foreach (var openOnly in new[] { DurationOption, MaxInFlightOption, BaselineSecondsOption })
        {
            if (!openLoop && options.Has(openOnly))
            {
                throw new UsageException($"Option {openOnly} applies to the open loop only: add {RateOption} or {OverloadOption}.");
            }
        }

        if (options.Has(DurationOption) && options.Has(CustomersOption))
        {
            throw new UsageException($"Give {CustomersOption} or {DurationOption}, not both: in open loop customers = rate × duration.");
        }

        var serverCores = Int(options, ServerCoresOption, Environment.ProcessorCount, 1, 4096);
        return new BurstSettings(
            Customers: options.Has(CustomersOption) ? Int(options, CustomersOption, BurstRunner.DefaultCustomers, 1, SyntheticCustomers.MaxCustomers) : null,
            Concurrency: Int(options, ConcurrencyOption, 4 * Environment.ProcessorCount, 1, 10_000),
            AnchorDuration: options.GetSeconds(AnchorSecondsOption, TimeSpan.FromSeconds(3)),
            Argon2Samples: Int(options, Argon2SamplesOption, 15, 1, 10_000),
            ServerCores: serverCores,
            SinkTimeout: options.GetSeconds(SinkTimeoutOption, TimeSpan.FromSeconds(30)),
            Captcha: options.Get(CaptchaOption) ?? RecoverCommand.DefaultCaptcha,
            Rate: rate,
            Overload: overload,
            Duration: Seconds(options, DurationOption, allowZero: false),
            MaxInFlight: options.Has(MaxInFlightOption) ? Int(options, MaxInFlightOption, 0, 1, 1_000_000) : null,
            CapacityDuration: Seconds(options, CapacitySecondsOption, allowZero: false),
            CapacityConcurrency: options.Has(CapacityConcurrencyOption) ? Int(options, CapacityConcurrencyOption, 0, 1, 10_000) : null,
            Argon2PerFlow: Int(options, Argon2PerFlowOption, BurstSettings.DefaultArgon2PerFlow, 1, 100),
            BaselineDuration: Seconds(options, BaselineSecondsOption, allowZero: true),
            Patience: Seconds(options, PatienceOption, allowZero: false));
    }

    private static double? Number(ParsedOptions options, string name, double min, double max)
    {
        var text = options.Get(name);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"Option {name} needs a number from {min} to {max}, not '{text}'."));
        }

        return value;
    }

    // "30" or "30s": seconds, as the issue writes durations.
    private static TimeSpan? Seconds(ParsedOptions options, string name, bool allowZero)
    {
        var text = options.Get(name);
        if (text is null)
        {
            return null;
        }

        var number = text.EndsWith('s') ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || seconds > 86_400 || seconds < 0 || (seconds == 0 && !allowZero))
        {
            throw new UsageException($"Option {name} needs a number of seconds {(allowZero ? "from 0" : "above 0")} up to 86400, not '{text}'.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static int Int(ParsedOptions options, string name, int fallback, int min, int max)
    {
        var text = options.Get(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"Option {name} needs a whole number from {min} to {max}, not '{text}'.");
        }

        return value;
    }
}
