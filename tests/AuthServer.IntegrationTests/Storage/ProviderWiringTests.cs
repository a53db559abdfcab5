using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>
/// The real Program's wiring: with either <c>Storage:Provider</c>, every service a provider registers for the modules
/// is registered exactly once in the whole host (nothing else in Hosting adds one, so no registration order decides
/// which runs) and resolves to the chosen provider's own type.
/// </summary>
public sealed class ProviderWiringTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public Task Host_InMemoryProvider_EveryModuleServiceOnceFromIt() =>
        AssertWiredAsync(ServerOptions.Default, "Recovery.AuthServer.Storage.InMemory");

    [Fact]
    public Task Host_RedisProvider_EveryModuleServiceOnceFromIt() =>
        AssertWiredAsync(new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix())), "Recovery.AuthServer.Storage.Redis");

    private static async Task AssertWiredAsync(ServerOptions options, string providerNamespace)
    {
        List<ServiceDescriptor>? registered = null;
        await using var factory = new RecoveryServerFactory(options with { Services = services => registered = [.. services] });
        var host = factory.Services;

        // The provider's set (ProviderRegistrationTests: the same for both), less its own concrete types.
        var modules = InMemoryStorage.AddTo(new ServiceCollection())
            .Select(d => d.ServiceType)
            .Where(t => t.Assembly == typeof(IRateLimiter).Assembly && !t.Namespace!.StartsWith("Recovery.AuthServer.Storage.", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        Assert.NotNull(registered);
        Assert.NotEmpty(modules);
        Assert.All(modules, type => Assert.Single(registered, d => d.ServiceType == type));

        // The test factory wraps the outbox in its recorder; the outbox reader and every store are the provider's own.
        Assert.All(
            modules.Where(t => t != typeof(INotificationOutbox)),
            type => Assert.Equal(providerNamespace, host.GetRequiredService(type).GetType().Namespace));
    }
}
