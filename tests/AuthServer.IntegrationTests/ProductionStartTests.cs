using System.Net;
using System.Text.RegularExpressions;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The real server process as an operator starts it. In Production a configuration with missing and invalid keys
/// stops it with one line per problem on standard error, exit code 2 and no stack trace; the Prometheus scrape
/// answers on its own port and not on the gRPC port.
/// </summary>
public sealed partial class ProductionStartTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Start_ProductionWithMissingAndInvalidKeys_EveryProblemOneLineExitCodeTwoNoStackTrace()
    {
        var grpcPort = LoopbackPorts.Free();
        await using var server = ServerProcess.Start($"http://127.0.0.1:{grpcPort}", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Otp__CodeLifetime"] = "five minutes",
            ["Secrets__PasswordPepperId"] = "not an id",
            ["Directory__AdminTokens__0"] = "c2hvcnQ=",
            ["Notifications__DevSink__Path"] = Path.Combine(Path.GetTempPath(), "never-written.jsonl"),
            ["Observability__Prometheus__Urls"] = $"http://127.0.0.1:{grpcPort}",
        });

        var exitCode = await server.ExitCodeAsync(StartTimeout);

        var output = server.Stdout + server.Stderr;
        Assert.True(exitCode == 2, $"exit code {exitCode}: {output}");
        string[] expected =
        [
            "Secrets:CardLookupKey is required",
            "Secrets:CodeKey is required",
            "Secrets:PasswordPepper is required",
            "Secrets:PasswordPepperId: The field PasswordPepperId must match",
            "Failed to convert configuration value 'five minutes' at 'Otp:CodeLifetime' to type 'System.TimeSpan'.",
            "Directory:AdminTokens:0 must be base64 of at least 32 bytes.",
            "Notifications:DevSink:Path is set, but the development sink writes codes in clear and runs only in Development, not in Production",
            "Channels:Tokens is required outside Development",
            $"Observability:Prometheus:Urls: 'http://127.0.0.1:{grpcPort}' uses port {grpcPort}, which the gRPC server listens on",
        ];
        var lines = server.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("AuthServer cannot start; configuration errors:", lines[0]);
        foreach (var problem in expected)
        {
            Assert.True(lines.Count(l => l.StartsWith(problem, StringComparison.Ordinal)) == 1, $"'{problem}' once in: {server.Stderr}");
        }

        // No stack frame, no exception type, and nothing said twice (a data annotation and a validator on one key).
        Assert.DoesNotMatch(StackFrame(), output);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.Equal(lines.Length, lines.Distinct(StringComparer.Ordinal).Count());
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "never-written.jsonl")));
    }

    [Fact]
    public async Task Start_NestedRateLimitOutOfRange_BothKeysOneLineEachExitCodeTwo()
    {
        // The issue's reproduction: the server used to start with these, although RateLimitRule's attributes say
        // 1–1,000,000 calls and a period of at least 1 s (nested options were not validated).
        await using var server = ServerProcess.Start($"http://127.0.0.1:{LoopbackPorts.Free()}", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["RateLimits__PerCard__Limit"] = "5000000",
            ["RateLimits__PerCard__Period"] = "00:00:00.001",
        });

        var exitCode = await server.ExitCodeAsync(StartTimeout);

        var output = server.Stdout + server.Stderr;
        Assert.True(exitCode == 2, $"exit code {exitCode}: {output}");
        var lines = server.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            [
                "AuthServer cannot start; configuration errors:",
                "RateLimits:PerCard:Limit: The field Limit must be between 1 and 1000000.",
                "RateLimits:PerCard:Period: The field Period must be between 00:00:01 and 7.00:00:00.",
            ],
            lines);
        Assert.DoesNotMatch(StackFrame(), output);
    }

    [Fact]
    public async Task Start_PrometheusUrlsSet_ScrapeAnswersOnItsPortAndTheGrpcPortDoesNot()
    {
        var grpcPort = LoopbackPorts.Free();
        var scrapePort = LoopbackPorts.Free();
        await using var server = ServerProcess.Start($"http://127.0.0.1:{grpcPort}", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Observability__Prometheus__Urls"] = $"http://127.0.0.1:{scrapePort}",
        });
        using var grpc = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        await server.WaitServingAsync(grpc, StartTimeout);
        using var http1 = new HttpClient();
        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var scrape = await http1.GetAsync(new Uri($"http://127.0.0.1:{scrapePort}/metrics")).WaitAsync(RecoveryApi.Timeout);
        var text = await scrape.Content.ReadAsStringAsync().WaitAsync(RecoveryApi.Timeout);
        using var onGrpcPort = await h2c.GetAsync(new Uri($"http://127.0.0.1:{grpcPort}/metrics")).WaitAsync(RecoveryApi.Timeout);
        using var otherPath = await http1.GetAsync(new Uri($"http://127.0.0.1:{scrapePort}/grpc.health.v1.Health/Check")).WaitAsync(RecoveryApi.Timeout);

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("recovery_rpc_completed_total", text, StringComparison.Ordinal);
        Assert.Contains("/grpc.health.v1.Health/Check", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, onGrpcPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherPath.StatusCode);
    }

    [Fact]
    public async Task Start_ScrapePortAlreadyTaken_OneLineNamingTheSettingExitCodeTwoNoStackTrace()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var scrapePort = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var server = ServerProcess.Start($"http://127.0.0.1:{LoopbackPorts.Free()}", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Observability__Prometheus__Urls"] = $"http://127.0.0.1:{scrapePort}",
        });

        var exitCode = await server.ExitCodeAsync(StartTimeout);

        var output = server.Stdout + server.Stderr;
        Assert.True(exitCode == 2, $"exit code {exitCode}: {output}");
        Assert.Contains($"Observability:Prometheus:Urls: cannot listen on http://127.0.0.1:{scrapePort} (", server.Stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), output);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ProductionWithTheTestsCheapArgon2Profile_RefusedOneLinePerKeyExitCodeTwo()
    {
        // The cost the in-process test servers hash at (TestArgon2Profile) must never reach a real deployment.
        await using var server = ServerProcess.Start($"http://127.0.0.1:{LoopbackPorts.Free()}", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Passwords__Argon2__MemoryKib"] = TestArgon2Profile.MemoryKib,
            ["Passwords__Argon2__Iterations"] = TestArgon2Profile.Iterations,
        });

        var exitCode = await server.ExitCodeAsync(StartTimeout);

        var output = server.Stdout + server.Stderr;
        Assert.True(exitCode == 2, $"exit code {exitCode}: {output}");
        var lines = server.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("AuthServer cannot start; configuration errors:", lines[0]);
        foreach (var problem in new[]
        {
            $"Passwords:Argon2:MemoryKib is {TestArgon2Profile.MemoryKib}, below OWASP's minimum of 19456 KiB: a lower cost runs only in Development, not in Production.",
            $"Passwords:Argon2:Iterations is {TestArgon2Profile.Iterations}, below OWASP's minimum of 2: a lower cost runs only in Development, not in Production.",
        })
        {
            Assert.True(lines.Count(l => l == problem) == 1, $"'{problem}' once in: {server.Stderr}");
        }

        Assert.DoesNotMatch(StackFrame(), output);
    }

    [GeneratedRegex(@"^\s+at \S", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
