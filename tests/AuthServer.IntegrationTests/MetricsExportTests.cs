using System.Net;
using System.Text;
using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// With OTEL_EXPORTER_OTLP_ENDPOINT set, the server pushes its metrics over OTLP: a loopback receiver (plain
/// HTTP, the OTLP/HTTP protobuf protocol) sees the RPC counter with the call this test made.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xUnit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class MetricsExportTests : IntegrationTest
{
    private static readonly int Port = LoopbackPorts.Free();

    private readonly HttpListener receiver = new();

    public MetricsExportTests()
        : base(new ServerOptions(Settings: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{Port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        }))
    {
        receiver.Prefixes.Add($"http://127.0.0.1:{Port}/");
        receiver.Start();
    }

    [Fact]
    public async Task OtlpEndpointSet_RpcCounterAndStepCounterArePushed()
    {
        await Api.StartAsync(DemoCustomer.Seed);

        // Protobuf keeps strings as UTF-8 bytes: the metric names and tag values can be found in the payload.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var seen = new StringBuilder();
        while (DateTime.UtcNow < deadline && !(seen.ToString().Contains("recovery.rpc.completed", StringComparison.Ordinal) && seen.ToString().Contains("StartRecovery", StringComparison.Ordinal)))
        {
            var context = await receiver.GetContextAsync().WaitAsync(deadline - DateTime.UtcNow);
            Assert.Equal("/v1/metrics", context.Request.Url!.AbsolutePath);
            using (var body = new MemoryStream())
            {
                await context.Request.InputStream.CopyToAsync(body);
                seen.Append(Encoding.UTF8.GetString(body.ToArray()));
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }

        var payload = seen.ToString();
        Assert.Contains("recovery.rpc.completed", payload, StringComparison.Ordinal);
        Assert.Contains("/recovery.v1.RecoveryService/StartRecovery", payload, StringComparison.Ordinal);
        Assert.Contains("recovery.audit.steps", payload, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoCustomer.Seed.Card, payload, StringComparison.Ordinal);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        receiver.Close();
    }
}
