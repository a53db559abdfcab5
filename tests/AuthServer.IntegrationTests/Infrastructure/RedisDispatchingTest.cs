using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A server on the shared redis-server (a key prefix of its own) whose own outbox dispatcher delivers into a development
/// sink file of the test's: for the tests of what the dispatchers do with held messages when a change is announced.
/// Neither clock moves in them unless a test moves it, so a hold's own time never comes and only an announcement (or a
/// sweep the test asks for) can settle it.
/// </summary>
public abstract class RedisDispatchingTest : IntegrationTest, IClassFixture<RedisServerFixture>
{
    /// <summary>How long a test waits for the dispatcher, which works after the reply.</summary>
    protected static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);

    protected RedisDispatchingTest(RedisServerFixture fixture, string sinkName, Action<IServiceCollection>? services = null)
        : this(fixture, Path.Combine(Path.GetTempPath(), sinkName + "-" + Guid.NewGuid().ToString("N") + ".jsonl"), RedisServerFixture.UniquePrefix(), services)
    {
    }

    private RedisDispatchingTest(RedisServerFixture fixture, string sinkPath, string prefix, Action<IServiceCollection>? services)
        : base(new ServerOptions(DevSinkPath: sinkPath, Redis: (fixture.Server.Configuration, prefix), Services: services))
    {
        SinkPath = sinkPath;
        RedisServer = fixture.Server;
        Prefix = prefix;
    }

    /// <summary>The development sink the node's dispatcher writes every delivered message to.</summary>
    protected string SinkPath { get; }

    protected RedisServer RedisServer { get; }

    /// <summary>This server's key prefix on the shared redis-server.</summary>
    protected string Prefix { get; }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(SinkPath);
    }

    /// <summary>
    /// Waits until the node's dispatcher listens on the outbox's channel (it subscribes as it starts, beside the test's
    /// first calls), so that a change made after it cannot have its announcement missed on a slow machine.
    /// </summary>
    protected async Task DispatcherListeningAsync()
    {
        await using var connection = await RedisServer.ConnectAsync().WaitAsync(RecoveryApi.Timeout);
        var channel = Prefix + "outbox:announce";
        var deadline = DateTime.UtcNow + DeliveryTimeout;
        while ((long)((RedisResult[])(await connection.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel).WaitAsync(RecoveryApi.Timeout))!)[1] < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "The node's dispatcher never subscribed to " + channel);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>
    /// Waits until no hold is left in any outbox shard (released or deleted by the dispatcher that heard the change's
    /// announcement; the flow itself sends nothing after the change), within the delivery timeout.
    /// </summary>
    protected async Task NoHoldLeftAsync()
    {
        await using var connection = await RedisServer.ConnectAsync().WaitAsync(RecoveryApi.Timeout);
        var deadline = DateTime.UtcNow + DeliveryTimeout;
        while (Keys(connection, Prefix + "{outbox*}:h:*").Length > 0 || await HeldCountAsync(connection) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "A held message was never settled.");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>The keys of this server's prefix that match <paramref name="pattern"/> (which includes the prefix).</summary>
    protected static RedisKey[] Keys(ConnectionMultiplexer connection, string pattern) =>
        connection.GetServer(connection.GetEndPoints()[0]).Keys(pattern: pattern, pageSize: 1000).ToArray();

    private async Task<long> HeldCountAsync(ConnectionMultiplexer connection)
    {
        var db = connection.GetDatabase();
        var counts = await Task.WhenAll(Keys(connection, Prefix + "{outbox*}:heldn").Select(k => db.StringGetAsync(k))).WaitAsync(RecoveryApi.Timeout);
        return counts.Sum(c => c.IsNull ? 0 : (long)c);
    }
}
