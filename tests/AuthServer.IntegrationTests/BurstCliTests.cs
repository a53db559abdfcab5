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
            "--admin-token", SyntheticCustomer.DevAdminToken, "--anchor-seconds", "0.5", "--argon2-samples", "5", "--no-input");

        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = report.RootElement;
        Assert.Equal(20, root.GetProperty("flows_completed").GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetInt32());
        Assert.Equal(0, root.GetProperty("flows_failed").GetInt32());
        foreach (var rate in new[] { "flows_per_second", "argon2_ceiling_flows_per_second", "health_rps", "start_recovery_rps", "argon2_hash_ms" })
        {
            Assert.True(root.GetProperty(rate).GetDouble() > 0, $"{rate} should be positive:\n{root}");
        }

        var latency = root.GetProperty("latency_ms");
        foreach (var rpc in new[] { "StartRecovery", "ConfirmRecovery", "Login (temporary)", "ChangePassword", "SignOperation", "Login (new)" })
        {
            Assert.Equal(20, latency.GetProperty(rpc).GetProperty("count").GetInt64());
            Assert.True(latency.GetProperty(rpc).GetProperty("p999").GetDouble() > 0);
        }

        Assert.Contains("| flows per second |", stdout, StringComparison.Ordinal);
        Assert.Contains("flows 20/20", stderr, StringComparison.Ordinal);
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
            "burst", "--customers", "12", "--rate", "20", "--concurrency", "12", "--dev-sink", SinkPath, "--json", json,
            "--admin-token", SyntheticCustomer.DevAdminToken, "--anchor-seconds", "0.5", "--argon2-samples", "3", "--no-input");

        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = report.RootElement;
        Assert.Equal(20, root.GetProperty("target_rate").GetDouble());
        Assert.Equal(12, root.GetProperty("flows_completed").GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetInt32());
        Assert.Contains("target rate 20 flows/s", stdout, StringComparison.Ordinal);

        // An open loop cannot finish before its last flow is due.
        Assert.True(root.GetProperty("burst_seconds").GetDouble() >= 0.55, root.ToString());
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
        foreach (var option in new[] { "--customers", "--concurrency", "--dev-sink", "--json", "--markdown", "--chart", "--server-cores", "--admin-token" })
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
