namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>One private redis-server shared by a test class (xunit class fixture). Tests use distinct key prefixes.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? server;

    public RedisServer Server => server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>A key prefix no other test uses, so tests sharing the server never see each other's keys.</summary>
    public static string UniquePrefix() => "t" + Guid.NewGuid().ToString("N")[..12] + ":";
}
