using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Recovery;
using Recovery.Benchmarks.Scenarios;
using Recovery.V1;

namespace Recovery.Benchmarks;

/// <summary>
/// What one StartRecovery costs the in-memory server, next to what a health check costs it (the baseline, the anchor
/// of benchmarks/ghz/run-ratios.sh): both through a real gRPC channel into the whole in-process server (routing, the
/// channel policy, the frame guard, the interceptors, the flow, the in-memory stores), one call at a time. The
/// allocated bytes per call (process-wide, so the server's side and the client's are both counted) are the robust
/// figure on a shared machine; the times move with whatever else runs. The unknown card takes the decoy path of the
/// ghz configuration's synthetic cards, the known one sends a real code; the
/// flow alone is <see cref="RecoveryFlow.StartAsync"/> called directly, the domain's share of the call. The server logs at Error here (a benchmark
/// writes no console line per call), so the audit line's formatting is not in these figures.
/// </summary>
[MemoryDiagnoser]
public class StartRecoveryBenchmarks : IDisposable
{
    private const int Cards = 1024;
    private static readonly Metadata Headers = new() { { "x-channel", "load-test" } };
    private static readonly CallerContext Caller = new("load-test", CallerContext.Unknown.ClientAddress);
    private InProcessServer server = null!;
    private GrpcChannel channel = null!;
    private Health.HealthClient health = null!;
    private RecoveryService.RecoveryServiceClient recovery = null!;
    private RecoveryFlow flow = null!;
    private StartRecoveryRequest[] unknown = [];
    private StartRecoveryRequest[] known = [];
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        server = new InProcessServer();
        channel = server.CreateChannel();
        health = new Health.HealthClient(channel);
        recovery = new RecoveryService.RecoveryServiceClient(channel);

        // Cards of this bank's prefix that no customer holds (the decoy path), and synthetic customers' cards.
        unknown = [.. Enumerable.Range(0, Cards).Select(i => Request(SyntheticCustomers.For(1_000_000 + i)))];
        var customers = Enumerable.Range(0, Cards).Select(SyntheticCustomers.For).ToArray();
        SyntheticCustomers.AddAsync(server.Services, customers).GetAwaiter().GetResult();
        known = [.. customers.Select(Request)];
        flow = server.Services.GetRequiredService<RecoveryFlow>();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public HealthCheckResponse.Types.ServingStatus HealthCheck() =>
        health.Check(new HealthCheckRequest(), Headers).Status;

    [Benchmark]
    public string StartRecoveryUnknownCard() =>
        recovery.StartRecovery(unknown[next++ % Cards], Headers).RecoveryId;

    [Benchmark]
    public string StartRecoveryKnownCard() =>
        recovery.StartRecovery(known[next++ % Cards], Headers).RecoveryId;

    /// <summary>The flow alone, called directly (no channel, no pipeline): what of StartRecovery is the domain's.</summary>
    [Benchmark]
    public string FlowStartUnknownCard()
    {
        var r = unknown[next++ % Cards];
        var command = new StartRecoveryCommand(r.CardNumber, r.CardExpiry, r.DocumentId, r.CaptchaToken, null, Caller);
        return flow.StartAsync(command, CancellationToken.None).GetAwaiter().GetResult().Value.RecoveryId;
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            channel?.Dispose();
            server?.Dispose();
        }
    }

    private static StartRecoveryRequest Request(SyntheticCustomers.Customer c) =>
        new() { CardNumber = c.Card, CardExpiry = c.Expiry, DocumentId = c.Document, CaptchaToken = "dev-ok" };
}
