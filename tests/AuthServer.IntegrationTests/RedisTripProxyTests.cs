using Recovery.AuthServer.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The round-trip counter itself, driven by StackExchange.Redis through the proxy to a real redis-server: what runs
/// concurrently counts once, what waits for a reply counts again, housekeeping not at all.
/// </summary>
public sealed class RedisTripProxyTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string prefix = RedisServerFixture.UniquePrefix();
    private RedisTripProxy proxy = null!;
    private ConnectionMultiplexer redis = null!;

    private IDatabase Db => redis.GetDatabase();

    public async Task InitializeAsync()
    {
        proxy = RedisTripProxy.Start(fixture.Server);
        redis = await ConnectionMultiplexer.ConnectAsync(proxy.Configuration).WaitAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        await redis.DisposeAsync();
        await proxy.DisposeAsync();
    }

    [Fact]
    public async Task CountAsync_OneCommand_OneTrip()
    {
        var trips = await proxy.CountAsync(() => Db.StringSetAsync(prefix + "a", "1").WaitAsync(Timeout));

        Assert.Equal(1, trips.Count);
        Assert.Equal("SET " + prefix + "a", Assert.Single(Assert.Single(trips.Steps))[3..]);
    }

    [Fact]
    public async Task CountAsync_PipelinedBatch_OneTripWithEveryCommand()
    {
        var trips = await proxy.CountAsync(async () =>
        {
            var batch = Db.CreateBatch();
            var writes = Enumerable.Range(0, 5).Select(i => batch.StringSetAsync(prefix + i, i)).ToArray();
            batch.Execute();
            await Task.WhenAll(writes).WaitAsync(Timeout);
        });

        Assert.Equal((1, 5), (trips.Count, trips.Commands));
    }

    [Fact]
    public async Task CountAsync_WhenAllOfIndependentCommandsAndAScript_OneTrip()
    {
        var trips = await proxy.CountAsync(() => Task.WhenAll(
            Db.StringGetAsync(prefix + "a"),
            Db.ScriptEvaluateAsync("return redis.call('INCR', KEYS[1])", [prefix + "n"]),
            Db.KeyExistsAsync(prefix + "b")).WaitAsync(Timeout));

        Assert.Equal((1, 3), (trips.Count, trips.Commands));
    }

    [Fact]
    public async Task CountAsync_TwoAwaitedCommands_TwoTrips()
    {
        var trips = await proxy.CountAsync(async () =>
        {
            await Db.StringSetAsync(prefix + "a", "1").WaitAsync(Timeout);
            await Db.StringGetAsync(prefix + "a").WaitAsync(Timeout);
        });

        Assert.Equal(2, trips.Count);
    }

    [Fact]
    public async Task CountAsync_ThreeDependentStepsOfWhichOnePipelined_ThreeTrips()
    {
        var trips = await proxy.CountAsync(async () =>
        {
            await Db.StringIncrementAsync(prefix + "n").WaitAsync(Timeout);
            await Task.WhenAll(Db.StringGetAsync(prefix + "n"), Db.StringGetAsync(prefix + "m")).WaitAsync(Timeout);
            await Db.KeyDeleteAsync(prefix + "n").WaitAsync(Timeout);
        });

        Assert.Equal((3, 4), (trips.Count, trips.Commands));
    }

    [Fact]
    public async Task CountAsync_StallShorterThanTheHoldBetweenTwoUnawaitedCommands_StillOneTrip()
    {
        // A loaded machine may write the second command of a step late: until a reply is released it cannot have
        // waited for one, so it still belongs to the step. A proxy of its own with a long hold, so that the stall
        // stays far shorter than the hold even when the machine stretches the sleep (100 ms) ten times over.
        await using var slow = RedisTripProxy.Start(fixture.Server, TimeSpan.FromSeconds(1.5));
        await using var slowRedis = await ConnectionMultiplexer.ConnectAsync(slow.Configuration + ",connectTimeout=30000,asyncTimeout=30000").WaitAsync(Timeout);
        var db = slowRedis.GetDatabase();
        var trips = await slow.CountAsync(async () =>
        {
            var first = db.StringGetAsync(prefix + "a");
            Thread.Sleep(TimeSpan.FromMilliseconds(100));
            var second = db.StringGetAsync(prefix + "b");
            await Task.WhenAll(first, second).WaitAsync(Timeout);
        });

        Assert.Equal((1, 2), (trips.Count, trips.Commands));
    }

    [Fact]
    public async Task CountAsync_HousekeepingOnly_NoTrip()
    {
        var trips = await proxy.CountAsync(() => Db.PingAsync().WaitAsync(Timeout));

        Assert.Equal(0, trips.Count);
    }
}
