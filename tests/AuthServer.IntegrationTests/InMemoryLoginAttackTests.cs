using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

public sealed class InMemoryLoginAttackTests : LoginAttackTests
{
    private protected override int NodeCount => 1;

    private protected override ServerOptions NodeOptions(bool defaultRateLimits) => new(DefaultRateLimits: defaultRateLimits, ProductionArgon2Cost: true);
}
