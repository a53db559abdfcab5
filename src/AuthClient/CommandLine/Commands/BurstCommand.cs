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

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public string Name => "burst";

    public string Summary => "Load runner: provision N synthetic customers, unlock them all concurrently, report against anchors.";

    public string Description =>
        "Provisions N synthetic customers through ImportCustomers (admin; unique per run: the run id is in their\n" +
        "user codes, cards and phones; no initial password, so only a recovery lets them in). Then measures the\n" +
        "anchors at the same concurrency: Health/Check rate, StartRecovery rate on decoy cards, and the server's\n" +
        "single-hash Argon2 time (median Login with a wrong password for an unknown user code minus the median\n" +
        "health check: the client cannot see inside the server). Then runs the whole unlock for every customer\n" +
        "(StartRecovery, ConfirmRecovery, Login, ChangePassword, SignOperation, Login) with C workers, reading\n" +
        "codes from the dev sink. Reports flows/s, the Argon2 ceiling (server cores ÷ (2 × hash time)), latency\n" +
        "p50/p90/p99/p99.9 per RPC (HdrHistogram), errors and shedding by status and reason, the client's peak\n" +
        "memory; Markdown on stdout, JSON with --json, an SVG chart with --chart. Progress goes to stderr. The server must run in\n" +
        "Development with a dev sink and rate limits raised for the load (see docs/performance.md).\n" +
        "Exits 1 when any call failed other than by explicit shedding (RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED,\n" +
        "UNAVAILABLE OVERLOADED), or when provisioning failed.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new(CustomersOption, "N", $"Customers to provision and unlock (default 200, at most {SyntheticCustomers.MaxCustomers})."),
        new(ConcurrencyOption, "C", "Concurrent workers for the anchors and the flows (default 4 × this machine's cores)."),
        new(RateOption, "R", "Start R flows per second (open loop) instead of C closed-loop workers; C then caps flows in flight."),
        new(DevSinkOption, "FILE", "The server's dev notification sink (Notifications:DevSink:Path). Required."),
        new(JsonOption, "FILE", "Also write the report as JSON to FILE."),
        new(MarkdownOption, "FILE", "Also write the Markdown report to FILE."),
        new(ChartOption, "FILE.svg", "Write an SVG chart of flows completed per second and their p99 duration over the burst."),
        new(ServerCoresOption, "N", "Cores of the server, for the Argon2 ceiling (default this machine's: load tests here run on loopback)."),
        new(AnchorSecondsOption, "SECONDS", "How long each rate anchor runs (default 3)."),
        new(Argon2SamplesOption, "N", "Sequential calls behind each median of the Argon2 estimate (default 15)."),
        new(SinkTimeoutOption, "SECONDS", "How long to wait for each dev-sink message (default 30)."),
        new(CaptchaOption, "TOKEN", $"Captcha token StartRecovery sends (default {RecoverCommand.DefaultCaptcha}), or {CaptchaAnswer.Altcha} to solve a fresh ALTCHA challenge of the server for each start."),
        AdminToken.Spec,
    ];

    public IReadOnlyList<string> Examples { get; } =
    [
        "AuthClient burst --server http://127.0.0.1:5099 --customers 500 --concurrency 8 --dev-sink /tmp/burst-sink.jsonl --json burst.json",
        "RECOVERY_ADMIN_TOKEN=... AuthClient --timeout 30 burst --customers 2000 --dev-sink /tmp/burst-sink.jsonl --markdown burst.md",
    ];

    public async Task<int> RunAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken)
    {
        var sinkPath = options.Get(DevSinkOption) ?? throw new UsageException($"missing {DevSinkOption}");
        var settings = new BurstSettings(
            Customers: Int(options, CustomersOption, 200, 1, SyntheticCustomers.MaxCustomers),
            Concurrency: Int(options, ConcurrencyOption, 4 * Environment.ProcessorCount, 1, 10_000),
            AnchorDuration: options.GetSeconds(AnchorSecondsOption, TimeSpan.FromSeconds(3)),
            Argon2Samples: Int(options, Argon2SamplesOption, 15, 1, 10_000),
            ServerCores: Int(options, ServerCoresOption, Environment.ProcessorCount, 1, 4096),
            SinkTimeout: options.GetSeconds(SinkTimeoutOption, TimeSpan.FromSeconds(30)),
            Captcha: options.Get(CaptchaOption) ?? RecoverCommand.DefaultCaptcha,
            Rate: Rate(options));
        var jsonPath = options.Get(JsonOption);
        var markdownPath = options.Get(MarkdownOption);
        var chartPath = options.Get(ChartOption);
        var token = await AdminToken.RequireAsync(context, options, cancellationToken).ConfigureAwait(false);

        // ImportCustomers is one call for all customers: give it room beyond the per-call deadline.
        var importDeadline = context.Global.Timeout + TimeSpan.FromMilliseconds(5.0 * settings.Customers);
        var liveProgress = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
        var runner = new BurstRunner(
            context.Client, context.Directory(token, importDeadline), new HealthProbe(context.Channel.CreateCallInvoker(), context.Global.Timeout),
            new DevSinkReader(sinkPath), settings, context.Global.Server, context.Error, liveProgress);

        BurstReport? report;
        try
        {
            report = await runner.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RecoveryClientException ex)
        {
            // Only provisioning lets an RPC failure escape: every later one is counted in the report.
            context.ReportFailure($"{Name}: provisioning", ex);
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

    private static double? Rate(ParsedOptions options)
    {
        var text = options.Get(RateOption);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) || rate is < 0.1 or > 100_000)
        {
            throw new UsageException($"Option {RateOption} needs flows per second from 0.1 to 100000, not '{text}'.");
        }

        return rate;
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
