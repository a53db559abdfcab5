using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Every call the flows make on a store interface (every interface a storage provider registers: the stores,
/// the rate limiter, the outbox), in order, recorded by a counting decorator (<see cref="Around"/>) around whichever provider
/// is registered. The notification dispatcher is removed, so the only calls are those of the RPCs under test.
/// </summary>
internal sealed class StoreCalls
{
    private readonly Lock gate = new();
    private readonly List<string> calls = [];

    public int Count
    {
        get
        {
            lock (gate)
            {
                return calls.Count;
            }
        }
    }

    public IReadOnlyList<string> Since(int mark)
    {
        lock (gate)
        {
            return calls.Skip(mark).ToArray();
        }
    }

    /// <summary>Decorates the store interfaces of <paramref name="services"/> and drops the background dispatcher.</summary>
    public void Install(IServiceCollection services)
    {
        var dispatcher = services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(NotificationDispatcher)).ToList();
        foreach (var d in dispatcher)
        {
            services.Remove(d);
        }

        // Every interface a storage provider registers for the modules: the same set for both providers
        // (ProviderRegistrationTests), so the in-memory one names it.
        var provided = InMemoryStorage.AddTo(new ServiceCollection())
            .Select(d => d.ServiceType)
            .Where(t => t.IsInterface && t.Assembly == typeof(IRateLimiter).Assembly)
            .ToHashSet();
        var types = services
            .Select(d => d.ServiceType)
            .Where(provided.Contains)
            .Distinct()
            .ToList();
        var decorate = typeof(StoreCalls).GetMethod(nameof(Decorate), BindingFlags.NonPublic | BindingFlags.Instance)!;
        foreach (var type in types)
        {
            decorate.MakeGenericMethod(type).Invoke(this, [services]);
        }
    }

    private void Add(string call)
    {
        lock (gate)
        {
            calls.Add(call);
        }
    }

    private void Decorate<T>(IServiceCollection services)
        where T : class
    {
        var inner = services.Last(d => d.ServiceType == typeof(T));
        services.RemoveAll<T>();
        services.AddSingleton<T>(sp => Around.Create(
            (T)(inner.ImplementationInstance
                ?? inner.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)),
            (method, _, proceed) =>
            {
                // The outbox's backlog is a node-local gauge that the metrics collector reads whenever it polls, not a
                // call of the RPC under test: recording it made the decoy comparison depend on when metrics were read.
                if (method.Name != "get_" + nameof(INotificationOutbox.Backlog))
                {
                    Add(typeof(T).Name + "." + method.Name);
                }

                return proceed();
            }));
    }
}
