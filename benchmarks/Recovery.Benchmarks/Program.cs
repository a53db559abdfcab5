using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Recovery.Benchmarks.Scenarios;

namespace Recovery.Benchmarks;

/// <summary>
/// Load scenarios by name; anything else goes to BenchmarkDotNet:
///   dotnet run -c Release --project benchmarks/Recovery.Benchmarks -- change-password-burst --calls 2000
///   dotnet run -c Release --project benchmarks/Recovery.Benchmarks -- outbox-latency --rate 100 --seconds 10
///   dotnet run -c Release --project benchmarks/Recovery.Benchmarks -- --filter '*'
/// (Not called Program: the server's Program is the type WebApplicationFactory hosts.)
/// </summary>
internal static class BenchmarksEntry
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "outbox-latency")
        {
            return await OutboxLatency.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "change-password-burst")
        {
            return await ChangePasswordBurst.RunAsync(args[1..]);
        }

        // BenchmarkDotNet builds a project per job and gives up after 2 minutes by default, which a shared
        // 2-core machine under load (CI beside other work) overruns: a slow build is not a failed benchmark.
        var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15));

        // Fails on a benchmark that could not run, never on its timings.
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarksEntry).Assembly).Run(args, config).ToList();
        return summaries.Count == 0 || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
