using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>The attacks on two nodes sharing one private redis-server.</summary>
public sealed class RedisWrongCodeBudgetTests : WrongCodeBudgetTests
{
    private RedisServer? redis;

    private protected override int NodeCount => 2;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }

    private protected override async Task<ServerOptions> NodeOptionsAsync()
    {
        redis = await RedisServer.StartAsync();
        return new ServerOptions(DefaultRateLimits: true, Redis: (redis.Configuration, RedisServerFixture.UniquePrefix()));
    }
}
