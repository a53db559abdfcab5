using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>The same counts with the credentials in a real redis-server (the history travels in the customer's record and Lua).</summary>
public sealed class RedisArgon2PerFlowTests(RedisServerFixture fixture)
    : Argon2PerFlowTests(new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))), IClassFixture<RedisServerFixture>;
