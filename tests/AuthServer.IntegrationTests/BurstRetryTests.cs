using System.Diagnostics;
using System.Text.Json;
using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The burst runner against a server forced to shed (<see cref="ForcedShedding"/>): it behaves like a real channel,
/// sending a shed call again after the delay the server advised, and only then. Real clock.
/// </summary>
public sealed class BurstRetryTests : IntegrationTest
{
    private readonly string directory;
    private readonly ForcedShedding shedding;

    public BurstRetryTests()
        : this(Directory.CreateTempSubdirectory("recovery-burst-retry-").FullName, new ForcedShedding())
    {
    }

    private BurstRetryTests(string directory, ForcedShedding shedding)
        : base(new ServerOptions(
            FakeTime: false, DevSinkPath: Path.Combine(directory, "sink.jsonl"), Services: services => ForcedShedding.Install(services, shedding)))
    {
        this.directory = directory;
        this.shedding = shedding;
    }

    private string SinkPath => Path.Combine(directory, "sink.jsonl");

    [Fact]
    public async Task Burst_ServerShedsEveryStepOnce_RetriesEachAfterTheAdvisedDelayAndCompletesEveryFlow()
    {
        shedding.Delay = TimeSpan.FromMilliseconds(200);
        var root = await RunBurstAsync("burst-shed.json", "--customers", "4", "--concurrency", "2");
        Assert.Equal(4, root.GetProperty("flows_completed").GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetInt32());
        Assert.Equal(0, root.GetProperty("flows_shed").GetInt32());

        // Six steps per flow, each refused once and sent again: the report counts both, by step.
        Assert.Equal(24, root.GetProperty("shed").GetInt32());
        Assert.Equal(24, root.GetProperty("retries").GetInt32());
        var byStep = root.GetProperty("shed_by_step");
        foreach (var step in new[] { "StartRecovery", "ConfirmRecovery", "Login (temporary)", "ChangePassword", "SignOperation", "Login (new)" })
        {
            Assert.Equal(4, byStep.GetProperty(step).GetInt32());
        }

        // The server saw each refused request exactly once more, and never before the delay it advised had passed
        // (measured at the server: refusal sent → the same request back, so the client's own wait is a lower bound).
        Assert.Equal(24, shedding.Seen.Count);
        foreach (var (request, attempts) in shedding.Seen)
        {
            var later = Assert.Single(attempts.Later);
            var waited = Stopwatch.GetElapsedTime(attempts.RefusedAt, later);
            Assert.True(waited >= shedding.Delay - TimeSpan.FromMilliseconds(2), $"{request[..request.IndexOf(' ', StringComparison.Ordinal)]} came back after {waited.TotalMilliseconds} ms");
        }
    }

    [Fact]
    public async Task Burst_ShedWithoutRetryInfo_GivesUpWithoutSendingItAgain()
    {
        shedding.WithRetryInfo = false;
        // Shedding is no error (exit 0), but nobody got in: each customer gave up at the first refusal.
        var root = await RunBurstAsync("burst-no-retry-info.json", "--customers", "3", "--concurrency", "3");
        Assert.Equal(0, root.GetProperty("flows_completed").GetInt32());
        Assert.Equal(3, root.GetProperty("flows_shed").GetInt32());
        Assert.Equal(0, root.GetProperty("retries").GetInt32());
        Assert.Equal(3, root.GetProperty("shed_by_step").GetProperty("StartRecovery").GetInt32());
        Assert.All(shedding.Seen.Values, attempts => Assert.Empty(attempts.Later));
        Assert.Empty(Outbox.All);
    }

    [Fact]
    public async Task Burst_AdvisedDelayBeyondPatience_GivesUpWithoutSendingItAgain()
    {
        shedding.Delay = TimeSpan.FromSeconds(30);
        var root = await RunBurstAsync("burst-patience.json", "--customers", "2", "--concurrency", "2", "--patience", "5");
        Assert.Equal(2, root.GetProperty("flows_shed").GetInt32());
        Assert.Equal(0, root.GetProperty("retries").GetInt32());
        Assert.All(shedding.Seen.Values, attempts => Assert.Empty(attempts.Later));
    }

    /// <summary>Runs <c>burst</c> against the test server with short anchors; it must exit 0; returns its JSON report.</summary>
    private async Task<JsonElement> RunBurstAsync(string reportName, params string[] options)
    {
        var json = Path.Combine(directory, reportName);
        var (exitCode, stdout, stderr) = await RunCliAsync(
            ["burst", .. options, "--dev-sink", SinkPath, "--json", json, "--admin-token", SyntheticCustomer.DevAdminToken,
             "--anchor-seconds", "0.2", "--capacity-seconds", "0.2", "--argon2-samples", "2", "--no-input"]);

        Assert.True(exitCode == 0, $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return report.RootElement.Clone();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }
}
