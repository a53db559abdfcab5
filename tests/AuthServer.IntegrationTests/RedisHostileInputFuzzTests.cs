using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Recovery.AuthServer.IntegrationTests;

public sealed class RedisHostileInputFuzzTests(RedisServerFixture fixture, ITestOutputHelper output)
    : HostileInputFuzzTests(output, new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix())), 3_000), IClassFixture<RedisServerFixture>;
