using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recovery.AuthServer.Captcha;
using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.Storage.Redis;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

/// <summary>
/// The two storage providers are interchangeable: each registers, with its one call, the same set of services the
/// modules own, once each, implemented by its own types. Hosting calls exactly one of them.
/// </summary>
public class ProviderRegistrationTests
{
    private const string InMemoryNamespace = "Recovery.AuthServer.Storage.InMemory";
    private const string RedisNamespace = "Recovery.AuthServer.Storage.Redis";

    [Fact]
    public void AddTo_BothProviders_RegisterTheSameModuleServices()
    {
        var inMemory = ModuleServices(InMemoryStorage.AddTo(new ServiceCollection()));
        var redis = ModuleServices(RedisStorage.AddTo(new ServiceCollection()));

        Assert.NotEmpty(inMemory);
        Assert.Equal(Names(inMemory), Names(redis));
    }

    [Fact]
    public void AddTo_EachProvider_RegistersTheOutboxRateLimiterAndEveryStoreLikeService()
    {
        // The services that used to be registered outside the providers (TryAdd in the notification wiring) or that
        // only one provider registered: each provider must register them itself.
        Type[] expected =
        [
            typeof(IRateLimiter), typeof(INotificationOutbox), typeof(INotificationOutboxReader), typeof(ISmsDeliveryStore),
            typeof(ICaptchaReplayStore), typeof(IIdempotencyStore), typeof(IWrongCodeLedger), typeof(IChallengeStore),
        ];

        foreach (var services in new[] { InMemoryStorage.AddTo(new ServiceCollection()), RedisStorage.AddTo(new ServiceCollection()) })
        {
            Assert.All(expected, type => Assert.Contains(type, ModuleServices(services)));
        }
    }

    [Fact]
    public void AddTo_EachProvider_RegistersEveryModuleServiceExactlyOnce()
    {
        // Twice would make the winner depend on registration order, which is what a provider must not rely on.
        foreach (var services in new[] { InMemoryStorage.AddTo(new ServiceCollection()), RedisStorage.AddTo(new ServiceCollection()) })
        {
            var counts = services.Where(d => IsModuleService(d.ServiceType)).GroupBy(d => d.ServiceType);
            Assert.All(counts, group => Assert.Single(group));
        }
    }

    [Fact]
    public void AddTo_InMemory_ResolvesEveryModuleServiceToAnInMemoryType()
    {
        var registered = InMemoryStorage.AddTo(new ServiceCollection());
        var modules = ModuleServices(registered);
        using var provider = WithDependencies(registered).BuildServiceProvider();

        AssertResolvedFrom(provider, modules, InMemoryNamespace);

        // One outbox behind both interfaces: what a flow queues is what the dispatcher reads.
        Assert.Same(provider.GetRequiredService<INotificationOutbox>(), provider.GetRequiredService<INotificationOutboxReader>());
    }

    [Fact]
    public void AddTo_Redis_ResolvesEveryModuleServiceToARedisType()
    {
        // The connection is made on first use, so resolving needs no server.
        var registered = RedisStorage.AddTo(new ServiceCollection());
        var modules = ModuleServices(registered);
        using var provider = WithDependencies(registered).BuildServiceProvider();

        AssertResolvedFrom(provider, modules, RedisNamespace);
        Assert.Same(provider.GetRequiredService<INotificationOutbox>(), provider.GetRequiredService<INotificationOutboxReader>());
    }

    [Fact]
    public void AddTo_Redis_AddsOnlyItsConnectionAndHealthCheckBeyondTheInMemorySet()
    {
        var inMemory = InMemoryStorage.AddTo(new ServiceCollection()).Select(d => d.ServiceType).ToHashSet();
        var redis = RedisStorage.AddTo(new ServiceCollection()).Select(d => d.ServiceType).ToHashSet();

        Assert.DoesNotContain(inMemory.Except(redis), t => t.Namespace != InMemoryNamespace);
        Assert.All(
            redis.Except(inMemory),
            t => Assert.True(
                t.Namespace == RedisNamespace || t.Namespace!.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal),
                $"{t} is neither the Redis provider's own nor health-check plumbing"));
        Assert.Contains(typeof(RedisConnection), redis);
    }

    private static void AssertResolvedFrom(ServiceProvider provider, List<Type> services, string providerNamespace)
    {
        Assert.NotEmpty(services);
        Assert.All(services, type => Assert.Equal(providerNamespace, provider.GetRequiredService(type).GetType().Namespace));
    }

    private static List<Type> ModuleServices(IEnumerable<ServiceDescriptor> services) =>
        services.Select(d => d.ServiceType).Where(IsModuleService).Distinct().ToList();

    // A service a module owns (its store interface, the outbox, the rate limiter), not a provider's own type
    // (its connection, its concrete outbox) nor a framework one (health checks).
    private static bool IsModuleService(Type type) =>
        type.Assembly == typeof(StorageOptions).Assembly
        && type.Namespace is { } ns
        && ns != InMemoryNamespace
        && ns != RedisNamespace;

    private static string[] Names(IEnumerable<Type> types) => types.Select(t => t.FullName!).Order(StringComparer.Ordinal).ToArray();

    // What the host provides to the stores (clock, keys, options, logging), nothing of the stores themselves.
    private static IServiceCollection WithDependencies(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(TestClock.Create());
        services.AddSingleton(TestKeys.Create());
        services.AddSingleton<IRandomSource, CryptoRandomSource>();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddOptions();
        services.Configure<StorageOptions>(o => o.Redis.Configuration = "127.0.0.1:1");
        return services;
    }
}
