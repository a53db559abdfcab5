using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>The Login attacks on Redis, spread over two nodes sharing one redis-server and one key prefix.</summary>
public sealed class RedisLoginAttackTests(RedisServerFixture fixture) : LoginAttackTests, IClassFixture<RedisServerFixture>
{
    private readonly string prefix = RedisServerFixture.UniquePrefix();

    private protected override int NodeCount => 2;

    private protected override ServerOptions NodeOptions(bool defaultRateLimits) =>
        new(DefaultRateLimits: defaultRateLimits, Redis: (fixture.Server.Configuration, prefix), ProductionArgon2Cost: true);
}
