using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

public sealed class RedisDecoyOutboxTests(RedisServerFixture fixture)
    : DecoyOutboxTests(new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))), IClassFixture<RedisServerFixture>;
