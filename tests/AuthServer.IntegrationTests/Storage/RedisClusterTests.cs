using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.Redis;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisClusterTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly RedisConnection connection = new(Options.Create(new StorageOptions
    {
        Provider = "Redis",
        Redis = new RedisStorageOptions { Configuration = cluster.Configuration, KeyPrefix = RedisServerFixture.UniquePrefix() },
    }));

    public void Dispose() => connection.Dispose();

    [Fact]
    public async Task ScriptAsync_KeysSharingATag_RunAtomicallyOnTheCluster()
    {
        var counter = connection.Key("c:42", "failures");
        var state = connection.Key("c:42", "state");

        // The shape of the stores' check-and-update scripts: read one key, update two.
        const string script = """
            local n = redis.call('INCR', KEYS[1])
            if n >= tonumber(ARGV[1]) then redis.call('SET', KEYS[2], 'blocked') end
            return n
            """;
        long last = 0;
        for (var i = 0; i < 5; i++)
        {
            last = (long)await connection.ScriptAsync(script, [counter, state], [5]).WaitAsync(Timeout);
        }

        Assert.Equal(5, last);
        Assert.Equal("blocked", (string?)await connection.ExecuteAsync(db => db.StringGetAsync(state)).WaitAsync(Timeout));
        var multiplexer = await connection.GetMultiplexerAsync();
        Assert.Equal(multiplexer.HashSlot(counter), multiplexer.HashSlot(state));
    }

    [Fact]
    public async Task Key_DifferentTags_SpreadOverTheMasters()
    {
        var endpoints = new HashSet<string>();
        for (var i = 0; i < 30; i++)
        {
            var key = connection.Key($"c:{i}", "profile");
            await connection.ExecuteAsync(db => db.StringSetAsync(key, "x")).WaitAsync(Timeout);
            endpoints.Add(NodeOf(key));
        }

        Assert.Equal(3, endpoints.Count);
    }

    [Fact]
    public async Task ScriptAsync_KeysOfTwoTagsOnDifferentNodes_RefusedCrossSlot()
    {
        var a = connection.Key("c:1", "x");
        var b = Enumerable.Range(2, 50).Select(i => connection.Key($"c:{i}", "x")).First(k => NodeOf(k) != NodeOf(a));

        // Why every key of one step shares a tag: a script spanning slots is refused (here by the client, before Redis would).
        var ex = await Assert.ThrowsAsync<RedisCommandException>(() => connection.ScriptAsync("return redis.call('MSET', KEYS[1], 1, KEYS[2], 2)", [a, b], []).WaitAsync(Timeout));
        Assert.Contains("slot", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RedisNotificationOutbox_OnTheCluster_EnqueueDequeueAcknowledge()
    {
        using var outbox = new RedisNotificationOutbox(
            connection,
            new SecretKeys(new byte[32], Enumerable.Repeat((byte)3, 32).ToArray(), new byte[32]),
            new CryptoRandomSource(),
            Options.Create(new NotificationOptions()),
            new FakeTimeProvider(),
            NullLogger<RedisNotificationOutbox>.Instance);
        await outbox.EnqueueAsync(NotificationTexts.Shipped.RecoveryCodeSms("+34612345331", "048213", TimeSpan.FromMinutes(5), Language.Spanish), default).AsTask().WaitAsync(Timeout);

        var message = await outbox.DequeueAsync(default).AsTask().WaitAsync(Timeout);
        await outbox.AcknowledgeAsync(message, default).WaitAsync(Timeout);

        Assert.Equal("048213", message.Notification.Values["code"]);
        Assert.Null(await outbox.TryDequeueAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task RedisNotificationOutbox_OnTheCluster_ShardsLandOnMoreThanOneNodeAndEveryMessageIsDeliveredOnce()
    {
        using var outbox = new RedisNotificationOutbox(
            connection,
            new SecretKeys(new byte[32], Enumerable.Repeat((byte)3, 32).ToArray(), new byte[32]),
            new CryptoRandomSource(),
            Options.Create(new NotificationOptions()),
            new FakeTimeProvider(),
            NullLogger<RedisNotificationOutbox>.Instance);
        var codes = Enumerable.Range(300000, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var code in codes)
        {
            await outbox.EnqueueAsync(NotificationTexts.Shipped.RecoveryCodeSms("+34612345331", code, TimeSpan.FromMinutes(5), Language.Spanish), default).AsTask().WaitAsync(Timeout);
        }

        // Every shard is its own slot, and the slots are not all on one primary: the cluster shares the outbox.
        var mux = await connection.GetMultiplexerAsync();
        var nodes = new HashSet<string>();
        var shards = new HashSet<int>();
        foreach (var endpoint in mux.GetEndPoints())
        {
            var server = mux.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: connection.KeyPrefix + "*}:m:*"))
            {
                nodes.Add(NodeOf(key));
                shards.Add(mux.HashSlot(key));
            }
        }

        Assert.Equal(new NotificationOptions().OutboxShards, shards.Count);
        Assert.True(nodes.Count > 1, $"All the outbox's shards are on {string.Join(", ", nodes)}");

        var delivered = new List<string>();
        for (var i = 0; i < codes.Count; i++)
        {
            var message = await outbox.DequeueAsync(default).AsTask().WaitAsync(Timeout);
            delivered.Add(message.Notification.Values["code"]);
            await outbox.AcknowledgeAsync(message, default).WaitAsync(Timeout);
        }

        Assert.Equal(codes, delivered.Order());
        Assert.Null(await outbox.TryDequeueAsync().WaitAsync(Timeout));
    }

    private string NodeOf(RedisKey key)
    {
        var mux = connection.GetMultiplexerAsync().WaitAsync(Timeout).GetAwaiter().GetResult();
        var configuration = mux.GetServer(mux.GetEndPoints()[0]).ClusterConfiguration!;
        return configuration.GetBySlot(key)!.EndPoint!.ToString()!;
    }
}
