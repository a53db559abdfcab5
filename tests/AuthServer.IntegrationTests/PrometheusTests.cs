using System.Net;
using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// With Observability:Prometheus:Urls set, the server's metrics answer a scrape on that address and nowhere else:
/// not on the gRPC server's address, not on another path. (ProductionStartTests checks the same on a real process's
/// Kestrel ports.)
/// </summary>
public sealed class PrometheusTests : IntegrationTest
{
    private static readonly int ScrapePort = LoopbackPorts.Free();

    public PrometheusTests()
        : base(new ServerOptions(Settings: new Dictionary<string, string>
        {
            ["Observability:Prometheus:Urls"] = $"http://127.0.0.1:{ScrapePort}",
        }))
    {
    }

    [Fact]
    public async Task Scrape_AfterAnRpc_MetricsOnTheirOwnAddressWithoutSecrets()
    {
        await Api.StartAsync(DemoCustomer.Seed);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{ScrapePort}/metrics")).WaitAsync(RecoveryApi.Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(RecoveryApi.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("recovery_rpc_completed", text, StringComparison.Ordinal);
        Assert.Contains("/recovery.v1.RecoveryService/StartRecovery", text, StringComparison.Ordinal);
        Assert.Contains("recovery_audit_steps", text, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoCustomer.Seed.Card, text, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoCustomer.Seed.Document, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_OnTheGrpcAddressOrAnotherPath_NotFound()
    {
        // Forcing the collection first: a 404 below is the routing, not an endpoint that has nothing yet.
        using var http = new HttpClient();
        using (var scrape = await http.GetAsync(new Uri($"http://127.0.0.1:{ScrapePort}/metrics")).WaitAsync(RecoveryApi.Timeout))
        {
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        }

        using var grpcAddress = Factory.CreateClient();
        using var onGrpc = await grpcAddress.GetAsync(new Uri("/metrics", UriKind.Relative)).WaitAsync(RecoveryApi.Timeout);
        using var otherPath = await http.GetAsync(new Uri($"http://127.0.0.1:{ScrapePort}/recovery.v1.RecoveryService/StartRecovery")).WaitAsync(RecoveryApi.Timeout);

        Assert.Equal(HttpStatusCode.NotFound, onGrpc.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherPath.StatusCode);
    }
}
