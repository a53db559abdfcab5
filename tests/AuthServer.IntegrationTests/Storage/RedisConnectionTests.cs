using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisConnectionTests : IAsyncLifetime
{
    private RedisServer redis = null!;

    public async Task InitializeAsync() => redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await redis.DisposeAsync();

    [Fact]
    public void Key_SharesTheHashTagAndPrefix()
    {
        using var connection = Connect("p:");

        // Redis Cluster hashes only what is inside the first {…}: both keys land in one slot.
        Assert.Equal("p:{c:42}:cred", connection.Key("c:42", "cred").ToString());
        Assert.Equal("p:{c:42}:profile", connection.Key("c:42", "profile").ToString());
    }

    [Fact]
    public async Task ExecuteAsync_RedisStopped_FailsClosedThenRecoversWithoutRestart()
    {
        using var connection = Connect("p:");
        await connection.ExecuteAsync(db => db.StringSetAsync(connection.Key("x", "v"), "1")).WaitAsync(TimeSpan.FromSeconds(10));
        var health = new RedisHealthCheck(connection);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext()).WaitAsync(TimeSpan.FromSeconds(10))).Status);

        await redis.StopAsync();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => connection.ExecuteAsync(db => db.StringGetAsync(connection.Key("x", "v"))).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext()).WaitAsync(TimeSpan.FromSeconds(20))).Status);

        await redis.StartAgainAsync();

        // The multiplexer reconnects by itself; the data is gone (no persistence in tests), the service is not.
        var healthy = false;
        for (var i = 0; i < 100 && !healthy; i++)
        {
            healthy = (await health.CheckHealthAsync(new HealthCheckContext()).WaitAsync(TimeSpan.FromSeconds(20))).Status == HealthStatus.Healthy;
            if (!healthy)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(healthy);
        Assert.True(await connection.ExecuteAsync(db => db.StringSetAsync(connection.Key("x", "v"), "2")).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private RedisConnection Connect(string prefix) =>
        new(Options.Create(new StorageOptions
        {
            Provider = "Redis",
            Redis = new RedisStorageOptions { Configuration = redis.Configuration, KeyPrefix = prefix, OperationTimeout = TimeSpan.FromMilliseconds(500) },
        }));
}
