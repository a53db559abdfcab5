namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>How a test's in-process server is built.</summary>
/// <param name="FakeTime">Replace the clock with a <c>FakeTimeProvider</c> at <see cref="RecoveryServerFactory.StartTime"/>.</param>
/// <param name="DefaultRateLimits">Keep the shipped rate limits; otherwise they are raised so that only the rate-limit tests meet them.</param>
/// <param name="DevSinkPath">Set <c>Notifications:DevSink:Path</c>.</param>
/// <param name="Redis">Use the Redis provider with this configuration string and key prefix.</param>
/// <param name="Settings">Further configuration keys and values, applied last.</param>
/// <param name="Services">Further service registrations (a log capture, a span exporter, decorators that inject failures), applied after the test doubles.</param>
/// <param name="ProductionArgon2Cost">Hash at the shipped Argon2 cost; otherwise at <see cref="TestArgon2Profile"/>, for tests not about hashing.</param>
internal sealed record ServerOptions(
    bool FakeTime = true,
    bool DefaultRateLimits = false,
    string? DevSinkPath = null,
    (string Configuration, string KeyPrefix)? Redis = null,
    IReadOnlyDictionary<string, string>? Settings = null,
    Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? Services = null,
    bool ProductionArgon2Cost = false)
{
    public static ServerOptions Default { get; } = new();
}
