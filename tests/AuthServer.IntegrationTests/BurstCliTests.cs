using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.Client;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The AuthClient <c>burst</c> load runner in-process against the server: it provisions its own customers,
/// measures the anchors and unlocks every customer, reading codes from the dev sink. Real clock.
/// </summary>
public sealed class BurstCliTests : IntegrationTest
{

    private readonly string directory;

    public BurstCliTests()
        : this(Directory.CreateTempSubdirectory("recovery-burst-").FullName)
    {
    }

    private BurstCliTests(string directory)
        : base(new ServerOptions(FakeTime: false, DevSinkPath: Path.Combine(directory, "sink.jsonl"))) => this.directory = directory;

    private string SinkPath => Path.Combine(directory, "sink.jsonl");

    [Fact]
    public async Task Burst_TwentyCustomersConcurrencyFour_ExitsZeroCompletingEveryFlowWithoutErrors()
    {
        var json = Path.Combine(directory, "burst.json");
        var chart = Path.Combine(directory, "burst.svg");

        var (exitCode, stdout, stderr) = await RunCliAsync(
            "burst", "--customers", "20", "--concurrency", "4", "--dev-sink", SinkPath, "--json", json, "--chart", chart,
            "--admin-token", SyntheticCustomer.DevAdminToken, "--anchor-seconds", "0.5", "--capacity-seconds", "0.5", "--argon2-samples", "5", "--no-input");

        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = report.RootElement;
        var latency = root.GetProperty("latency_ms");
        Assert.Equal(20, root.GetProperty("flows_completed").GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetInt32());
        Assert.Equal(0, root.GetProperty("flows_failed").GetInt32());
        foreach (var rate in new[] { "flows_per_second", "capacity_flows_per_second", "flows_to_capacity", "health_rps", "start_recovery_rps", "argon2_hash_ms", "client_cpu_share" })
        {
            Assert.True(root.GetProperty(rate).GetDouble() > 0, $"{rate} should be positive:\n{root}");
        }

        // The capacity is counted, not estimated: every verify the probe counted is a Login the server answered
        // INVALID_CREDENTIALS, and capacity in flows is those per second over the Argon2 calls of one flow.
        var capacity = root.GetProperty("capacity");
        Assert.Equal(4 * Environment.ProcessorCount, capacity.GetProperty("concurrency").GetInt32());
        Assert.Equal(2, capacity.GetProperty("argon2_per_flow").GetInt32());
        var verifies = capacity.GetProperty("verifies").GetInt32();
        Assert.True(verifies > 0, root.ToString());
        Assert.Equal(verifies, latency.GetProperty("capacity: Login (unknown user)").GetProperty("count").GetInt64());
        Assert.Equal(
            Math.Round(capacity.GetProperty("verifies_per_second").GetDouble() / 2, 1),
            root.GetProperty("capacity_flows_per_second").GetDouble(), 0.11);

        // Closed loop is its own baseline; every completed customer has a time to session.
        Assert.Equal(root.GetProperty("flows_per_second").GetDouble(), root.GetProperty("baseline_flows_per_second").GetDouble());
        Assert.Equal(20, root.GetProperty("time_to_session_ms").GetProperty("count").GetInt64());
        Assert.Equal(0, root.GetProperty("retries").GetInt32());

        foreach (var rpc in new[] { "StartRecovery", "ConfirmRecovery", "Login (temporary)", "ChangePassword", "SignOperation", "Login (new)" })
        {
            Assert.Equal(20, latency.GetProperty(rpc).GetProperty("count").GetInt64());
            Assert.True(latency.GetProperty(rpc).GetProperty("p999").GetDouble() > 0);
        }

        // Each flow's three waits for a message (the outbox's delivery and the reader's wake-up) are timed apart.
        foreach (var template in new[] { "recovery-code", "recovery-temporary-password", "operation-code" })
        {
            Assert.Equal(20, latency.GetProperty("dev sink: " + template).GetProperty("count").GetInt64());
        }

        Assert.Contains("| flows per second (goodput) |", stdout, StringComparison.Ordinal);
        Assert.Contains("flows 20/20", stderr, StringComparison.Ordinal);
        Assert.Contains("| capacity, measured |", stdout, StringComparison.Ordinal);
        Assert.Contains("<polyline", await File.ReadAllTextAsync(chart), StringComparison.Ordinal);

        // The tool's word is checked independently: every customer it provisioned now holds an active password.
        var runId = root.GetProperty("run_id").GetString();
        var store = Factory.Services.GetRequiredService<ICustomerStore>();
        for (var i = 0; i < 20; i++)
        {
            var credentials = await store.GetCredentialsAsync($"burst-{runId}-{i:D6}", CancellationToken.None).WaitAsync(RecoveryApi.Timeout);
            Assert.NotNull(credentials);
            Assert.Equal(CredentialState.Active, credentials.State);
        }
    }

    [Fact]
    public async Task Burst_TargetRate_StartsFlowsAtThatRateAndCompletesThemAll()
    {
        var json = Path.Combine(directory, "burst-rate.json");

        // 12 flows at 20 per second: the last is due 0.55 s after the first, whatever the server's speed.
        var (exitCode, stdout, stderr) = await RunCliAsync(
            "burst", "--customers", "12", "--rate", "20", "--concurrency", "12", "--dev-sink", SinkPath, "--json", json, "--baseline-seconds", "0",
            "--admin-token", SyntheticCustomer.DevAdminToken, "--anchor-seconds", "0.5", "--capacity-seconds", "0.5", "--argon2-samples", "3", "--no-input");

        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = report.RootElement;
        Assert.Equal(20, root.GetProperty("target_rate").GetDouble());
        Assert.Equal(12, root.GetProperty("flows_completed").GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetInt32());
        Assert.Contains("target rate 20 flows/s", stdout, StringComparison.Ordinal);

        // No baseline phase was asked for: none ran, and the report does not pretend to compare against one.
        Assert.Equal(0, root.GetProperty("baseline_flows").GetInt32());
        Assert.Equal(0, root.GetProperty("goodput_to_baseline").GetDouble());
        Assert.True(root.GetProperty("max_start_lag_ms").GetDouble() >= 0, root.ToString());

        // An open loop cannot finish before its last flow is due.
        Assert.True(root.GetProperty("burst_seconds").GetDouble() >= 0.55, root.ToString());
    }

    [Fact]
    public async Task Burst_Overload_RunsABaselineThenTheOpenLoopAtThatMultipleOfTheMeasuredCapacity()
    {
        var json = Path.Combine(directory, "burst-overload.json");

        // A hundredth of the capacity for half a second: a handful of customers against the test server's cheap Argon2.
        var (exitCode, stdout, stderr) = await RunCliAsync(
            "burst", "--overload", "0.01", "--duration", "0.5s", "--baseline-seconds", "0.5", "--concurrency", "2", "--dev-sink", SinkPath, "--json", json,
            "--admin-token", SyntheticCustomer.DevAdminToken, "--anchor-seconds", "0.3", "--capacity-seconds", "0.5", "--argon2-samples", "3", "--no-input");

        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = report.RootElement;
        var rate = root.GetProperty("target_rate").GetDouble();
        Assert.Equal(0.01, root.GetProperty("overload").GetDouble());
        Assert.Equal(0.01 * root.GetProperty("capacity").GetProperty("flows_per_second").GetDouble(), rate, 0.06);
        var customers = root.GetProperty("customers").GetInt32();
        // The report's rate is rounded to 3 decimals; the customer count came from the exact one.
        Assert.InRange(customers, (int)Math.Ceiling(rate * 0.5) - 1, (int)Math.Ceiling(rate * 0.5) + 1);
        Assert.Equal(customers, root.GetProperty("flows_completed").GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetInt32());

        // The closed-loop baseline ran first on its own customers, reported apart from the burst's calls.
        Assert.True(root.GetProperty("baseline_flows").GetInt32() > 0, root.ToString());
        Assert.True(root.GetProperty("baseline_flows_per_second").GetDouble() > 0, root.ToString());
        Assert.True(root.GetProperty("goodput_to_baseline").GetDouble() > 0, root.ToString());
        var latency = root.GetProperty("latency_ms");
        Assert.Equal(root.GetProperty("baseline_flows").GetInt32(), latency.GetProperty("baseline: Login (new)").GetProperty("count").GetInt64());
        Assert.Equal(customers, latency.GetProperty("Login (new)").GetProperty("count").GetInt64());
        Assert.Contains("goodput ÷ closed loop", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rate", "5", "--overload", "2")]
    [InlineData("--overload", "5", "--customers", "10", "--duration", "10")]
    [InlineData("--duration", "10")]
    [InlineData("--max-in-flight", "10")]
    [InlineData("--baseline-seconds", "3")]
    [InlineData("--overload", "0")]
    [InlineData("--overload", "5", "--duration", "soon")]
    [InlineData("--patience", "0")]
    public async Task Burst_BadOpenLoopOptions_UsageErrorBeforeAnyCall(params string[] options)
    {
        var (exitCode, _, stderr) = await RunCliAsync(
            ["burst", .. options, "--dev-sink", SinkPath, "--admin-token", SyntheticCustomer.DevAdminToken, "--no-input"]);

        Assert.Equal(2, exitCode);
        Assert.Contains(options[^2], stderr, StringComparison.Ordinal);
        Assert.Empty(Outbox.All);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("fast")]
    public async Task Burst_BadRate_UsageErrorBeforeAnyCall(string rate)
    {
        var (exitCode, _, stderr) = await RunCliAsync("burst", "--customers", "3", "--rate", rate, "--dev-sink", SinkPath, "--admin-token", SyntheticCustomer.DevAdminToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("--rate", stderr, StringComparison.Ordinal);
        Assert.Empty(Outbox.All);
    }

    [Fact]
    public async Task Burst_WrongAdminToken_ExitsOneAndRunsNoFlow()
    {
        var (exitCode, stdout, stderr) = await RunCliAsync(
            "burst", "--customers", "3", "--concurrency", "2", "--dev-sink", SinkPath,
            "--admin-token", "bm90LXRoZS1hZG1pbi10b2tlbi0wMTIzNDU2Nzg5LWFiY2RlZg==", "--no-input");

        Assert.True(exitCode == 1, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("ADMIN_TOKEN_INVALID", stderr, StringComparison.Ordinal);
        Assert.Empty(Outbox.All);
    }

    [Fact]
    public async Task Burst_Help_ListsTheOptionsAndExitsZero()
    {
        var (exitCode, stdout, _) = await RunCliAsync("burst", "--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[]
        {
            "--customers", "--concurrency", "--dev-sink", "--json", "--markdown", "--chart", "--server-cores", "--admin-token", "--rate", "--overload",
            "--duration", "--max-in-flight", "--baseline-seconds", "--patience", "--capacity-seconds", "--capacity-concurrency", "--argon2-per-flow",
        })
        {
            Assert.Contains(option, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Burst_WithoutDevSink_UsageErrorBeforeAnyCall()
    {
        var (exitCode, _, stderr) = await RunCliAsync("burst", "--customers", "3", "--admin-token", SyntheticCustomer.DevAdminToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("--dev-sink", stderr, StringComparison.Ordinal);
        Assert.Empty(Outbox.All);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }
}
