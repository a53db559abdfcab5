using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Grpc;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>A meter factory of its own, so that tests running in parallel never see each other's measurements, and the owners' metrics on it.</summary>
internal sealed class TestMetrics : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public TestMetrics()
    {
        Rpc = new RpcMetrics(Factory);
        Audit = new AuditMetrics(Factory);
    }

    public RpcMetrics Rpc { get; }

    public AuditMetrics Audit { get; }

    public IMeterFactory Factory => services.GetRequiredService<IMeterFactory>();

    public void Dispose() => services.Dispose();
}
