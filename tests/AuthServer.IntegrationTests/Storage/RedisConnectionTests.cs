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

    [Fact]
    public async Task WaitForReplicasAsync_NoneRequired_ReturnsAtOnce()
    {
        using var connection = Connect("p:");

        await connection.WaitForReplicasAsync(connection.Key("c:1", "cred")).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WaitForReplicasAsync_OneRequiredButNoReplica_FailsClosed()
    {
        // A generous timeout: WAIT gets half of it, the round trip the other half, even on a loaded CI machine.
        using var connection = Connect("p:", waitReplicas: 1, operationTimeout: TimeSpan.FromSeconds(2));
        var key = connection.Key("c:1", "cred");
        await connection.ExecuteAsync(db => db.StringSetAsync(key, "v")).WaitAsync(TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => connection.WaitForReplicasAsync(key).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("0 of 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptAsync_RunTwice_LoadedOnceThenRunByItsDigest()
    {
        using var connection = Connect("p:");
        await using var admin = await redis.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var key = connection.Key("s", "n");

        var first = await connection.ScriptAsync(IncrementScript, [key], []).WaitAsync(TimeSpan.FromSeconds(10));
        var before = await ScriptCommandsAsync(admin);
        var second = await connection.ScriptAsync(IncrementScript, [key], []).WaitAsync(TimeSpan.FromSeconds(10));
        var after = await ScriptCommandsAsync(admin);

        Assert.Equal(1, (long)first);
        Assert.Equal(2, (long)second);
        // The second run is one EVALSHA and nothing else: no SCRIPT LOAD, no script text sent again.
        Assert.Equal(before.GetValueOrDefault("evalsha") + 1, after.GetValueOrDefault("evalsha"));
        Assert.Equal(before.GetValueOrDefault("script|load"), after.GetValueOrDefault("script|load"));
        Assert.Equal(before.GetValueOrDefault("eval"), after.GetValueOrDefault("eval"));
    }

    [Fact]
    public async Task ScriptAsync_ServerLostTheScript_LoadsItAgainAndRunsItOnce()
    {
        using var connection = Connect("p:");
        await using var admin = await redis.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var key = connection.Key("s", "n");
        await connection.ScriptAsync(IncrementScript, [key], []).WaitAsync(TimeSpan.FromSeconds(10));

        // As after a restart or a failover: the server no longer knows the digest.
        await admin.GetServer(admin.GetEndPoints()[0]).ScriptFlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var again = await connection.ScriptAsync(IncrementScript, [key], []).WaitAsync(TimeSpan.FromSeconds(10));
        var then = await connection.ScriptAsync(IncrementScript, [key], []).WaitAsync(TimeSpan.FromSeconds(10));

        // NOSCRIPT ran nothing, the resend ran it once: 2 then 3, never a double increment.
        Assert.Equal(2, (long)again);
        Assert.Equal(3, (long)then);
        Assert.Equal("3", (string?)await admin.GetDatabase().StringGetAsync(key).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ScriptAsync_ScriptTextBuiltAtRunTime_RunsLikeAConstantOne()
    {
        using var connection = Connect("p:");
        var key = connection.Key("s", "n");

        for (var i = 1; i <= 3; i++)
        {
            // A new string each time, with the same text: each finds or makes its handle, and the answers are right.
            var script = string.Concat("return redis.call('INCR', ", "KEYS[1])");
            Assert.Equal(i, (long)await connection.ScriptAsync(script, [key], []).WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    private const string IncrementScript = "return redis.call('INCR', KEYS[1])";

    // INFO commandstats as command → calls (Redis 7 names subcommands apart: script|load).
    private static async Task<Dictionary<string, long>> ScriptCommandsAsync(StackExchange.Redis.ConnectionMultiplexer admin)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in await admin.GetServer(admin.GetEndPoints()[0]).InfoAsync("commandstats").WaitAsync(TimeSpan.FromSeconds(10)))
        {
            foreach (var (key, value) in group)
            {
                counts[key["cmdstat_".Length..]] = long.Parse(value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }

    private RedisConnection Connect(string prefix, int waitReplicas = 0, TimeSpan? operationTimeout = null) =>
        new(Options.Create(new StorageOptions
        {
            Provider = "Redis",
            Redis = new RedisStorageOptions { Configuration = redis.Configuration, KeyPrefix = prefix, OperationTimeout = operationTimeout ?? TimeSpan.FromMilliseconds(500), WaitReplicas = waitReplicas },
        }));
}
