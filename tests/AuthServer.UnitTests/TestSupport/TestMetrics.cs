using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Observability;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>A <see cref="RecoveryMetrics"/> on a meter factory of its own, so that tests running in parallel never see each other's measurements.</summary>
internal sealed class TestMetrics : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public TestMetrics(Argon2Gate? gate = null, INotificationOutbox? outbox = null)
    {
        Gate = gate ?? new Argon2Gate(1, 1, TestClock.Create());
        Metrics = new RecoveryMetrics(
            services.GetRequiredService<IMeterFactory>(),
            Gate,
            outbox ?? new InMemoryNotificationOutbox(Options.Create(new NotificationOptions())),
            new AdmissionGate(Options.Create(new AdmissionOptions())));
    }

    public Argon2Gate Gate { get; }

    public RecoveryMetrics Metrics { get; }

    public IMeterFactory Factory => services.GetRequiredService<IMeterFactory>();

    public void Dispose()
    {
        Gate.Dispose();
        services.Dispose();
    }
}
