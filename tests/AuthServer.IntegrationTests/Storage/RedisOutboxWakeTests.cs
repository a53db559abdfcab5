using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.Storage.Redis;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>
/// Issue 11, "outbox without polling", on a private redis-server (this class's own, so its command counts are this
/// class's alone): readers are woken by what the scripts publish, an idle node sends nothing, the outbox is sharded,
/// and a node dying mid-delivery loses and doubles nothing.
/// </summary>
public sealed class RedisOutboxWakeTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string Phone = "+34612345331";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Visibility = TimeSpan.FromMinutes(2);

    // The INFO this test counts with, and the multiplexers' keep-alives.
    private static readonly HashSet<string> Housekeeping = ["info", "ping", "echo"];

    private readonly string prefix = RedisServerFixture.UniquePrefix();
    private readonly byte[] codeKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly List<IDisposable> owned = [];
    private readonly List<NotificationDispatcher> dispatchers = [];
    private readonly StuckSender stuck = new();
    private ConnectionMultiplexer? admin;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // A dead node's stuck call returns at last, so that its dispatcher can stop (its acknowledgement then fails).
        stuck.Release();
        foreach (var dispatcher in dispatchers)
        {
            await dispatcher.StopAsync(default).WaitAsync(Timeout);
            dispatcher.Dispose();
        }

        foreach (var d in owned)
        {
            d.Dispose();
        }
    }

    [Fact]
    public async Task DequeueAsync_IdleNodeAfterADelivery_SendsNoOutboxCommandToRedisForTwoSeconds()
    {
        var producer = Outbox(Connection(), TimeProvider.System);
        var reader = Outbox(Connection(), TimeProvider.System);
        var sender = new RecordingSender(expected: 1);
        await StartDispatcherAsync(reader, sender, TimeProvider.System);

        // Enqueued on another node: only the announcement can wake this reader.
        var before = await CommandCountsAsync();
        await producer.EnqueueAsync(CodeSms("100001"), default).AsTask().WaitAsync(Timeout);
        await sender.All.WaitAsync(Timeout);
        await WaitUntilNoMessageKeyAsync();
        var delivered = await CommandCountsAsync();

        // Counting works: the delivery itself ran scripts.
        Assert.True(Increase(before, delivered).GetValueOrDefault("evalsha") + Increase(before, delivered).GetValueOrDefault("eval") > 0);

        // Let the reader finish its last look and fall asleep, then count two seconds of idleness.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var idleStart = await CommandCountsAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idle = Increase(idleStart, await CommandCountsAsync()).Where(c => !Housekeeping.Contains(c.Key)).ToList();

        Assert.True(idle.Count == 0, "Commands sent while idle: " + string.Join(", ", idle.Select(c => $"{c.Key}={c.Value}")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Dispatchers_NodeDiesMidDelivery_TheOtherDeliversItOnceAfterTheLeaseAndEveryOtherMessageOnce(int deadLoops)
    {
        const int Messages = 20;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        var deadConnection = Connection();
        var dead = Outbox(deadConnection, time);
        var survivor = Outbox(Connection(), time);
        var producer = Outbox(Connection(), time);
        var delivered = new RecordingSender(expected: Messages);

        // Every loop of the first node takes a message and its sender never finishes with it.
        await StartDispatcherAsync(dead, stuck, time, deadLoops);
        for (var i = 0; i < deadLoops; i++)
        {
            await producer.EnqueueAsync(CodeSms((200000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), default).AsTask().WaitAsync(Timeout);
        }

        await stuck.Reached(deadLoops).WaitAsync(Timeout);
        var takenByTheDead = stuck.Taken;
        Assert.Equal(Enumerable.Range(200000, deadLoops).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), takenByTheDead.Select(n => n.Values["code"]).Order());

        // The other node (several loops) delivers everything else while the first one is stuck, then the first one
        // dies: its connection goes, with no acknowledgement and no hand-back.
        await StartDispatcherAsync(survivor, delivered, time, concurrency: 4);
        for (var i = deadLoops; i < Messages; i++)
        {
            await producer.EnqueueAsync(CodeSms((200000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), default).AsTask().WaitAsync(Timeout);
        }

        await delivered.Reached(Messages - deadLoops).WaitAsync(Timeout);
        deadConnection.Dispose();
        Assert.DoesNotContain(delivered.Codes, c => takenByTheDead.Any(n => n.Values["code"] == c));

        // Their leases end: the survivor, which heard when, takes the messages over (no sweep can: it is 10 min away).
        time.Advance(Visibility + TimeSpan.FromSeconds(1));
        await delivered.All.WaitAsync(Timeout);
        await WaitUntilNoMessageKeyAsync();
        await StopDispatchersAsync();

        Assert.Equal(Messages, delivered.Codes.Count);
        Assert.Equal(Enumerable.Range(200000, Messages).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), delivered.Codes.Order());
        foreach (var taken in takenByTheDead)
        {
            var again = Assert.Single(delivered.Notifications, n => n.Values["code"] == taken.Values["code"]);
            Assert.Equal(taken.MessageId, again.MessageId);
        }
    }

    [Fact]
    public async Task Dispatchers_TwoNodesFourLoopsEach_EveryMessageDeliveredExactlyOnce()
    {
        const int Messages = 60;
        var producer = Outbox(Connection(), TimeProvider.System);
        var sender = new RecordingSender(expected: Messages);
        await StartDispatcherAsync(Outbox(Connection(), TimeProvider.System), sender, TimeProvider.System, concurrency: 4);
        await StartDispatcherAsync(Outbox(Connection(), TimeProvider.System), sender, TimeProvider.System, concurrency: 4);

        // In pairs (a step's messages share a shard), so that shards often hold several pending messages that the eight
        // loops compete for; a phone each, so that no phone's SMS cap drops one.
        for (var i = 0; i < Messages; i += 2)
        {
            await producer.EnqueueAsync([CodeSmsTo(i, 400000 + i), CodeSmsTo(i + 1, 400001 + i)], default).AsTask().WaitAsync(Timeout);
        }

        await sender.All.WaitAsync(Timeout);
        await WaitUntilNoMessageKeyAsync();

        // Counted after every loop stopped: none can still be delivering a second copy.
        await StopDispatchersAsync();
        Assert.Equal(Enumerable.Range(400000, Messages).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), sender.Codes.Order());
        Assert.Equal(Messages, sender.Notifications.Select(n => n.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Dispatcher_OnRedisSenderHoldsOneMessageUntilAnotherIsDelivered_TheOtherIsNotHeldBehindIt()
    {
        // One shard: both messages wait in the same list, so the second loop must be woken by the first one's take
        // (which leaves a message pending), not by an announcement. With one loop this would wait forever.
        var producer = Outbox(Connection(), TimeProvider.System, shards: 1);
        var reader = Outbox(Connection(), TimeProvider.System, shards: 1);
        var sender = new HoldingSender(held: "500000", until: "500001");
        await producer.EnqueueAsync(CodeSms("500000"), default).AsTask().WaitAsync(Timeout);
        await producer.EnqueueAsync(CodeSms("500001"), default).AsTask().WaitAsync(Timeout);

        await StartDispatcherAsync(reader, sender, TimeProvider.System, concurrency: 2);
        await sender.Completed.WaitAsync(Timeout);
        await WaitUntilNoMessageKeyAsync();

        Assert.Equal(["500001", "500000"], sender.Delivered);
    }

    [Fact]
    public async Task StopAsync_EveryLoopMidDelivery_EachMessageHandedBackForAnyNodeAtOnce()
    {
        const int Loops = 3;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        var reader = Outbox(Connection(), time);
        var other = Outbox(Connection(), time);
        var blocked = new BlockedSender();
        await StartDispatcherAsync(reader, blocked, time, Loops);
        for (var i = 0; i < Loops; i++)
        {
            await reader.EnqueueAsync(CodeSms((600000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), default).AsTask().WaitAsync(Timeout);
        }

        await blocked.Entered(Loops).WaitAsync(Timeout);
        await StopDispatchersAsync();

        // Nothing delivered; every message is pending again, leased to nobody, and another node takes each at once
        // (no lease to wait out: the clock has not moved) without it counting as a delivery attempt.
        Assert.Equal(0, blocked.Returned);
        Assert.Equal(Loops, (await PendingByKeyAsync()).Values.Sum());
        var back = new List<QueuedNotification>();
        while (await other.TryDequeueAsync().WaitAsync(Timeout) is { } message)
        {
            back.Add(message);
        }

        Assert.Equal(Enumerable.Range(600000, Loops).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), back.Select(m => m.Notification.Values["code"]).Order());
        Assert.All(back, m => Assert.Equal(1, m.Deliveries));
    }

    [Fact]
    public async Task EnqueueAsync_FourShards_CapacityDividedAndAStepNeverSplitAcrossShards()
    {
        var outbox = Outbox(Connection(), TimeProvider.System, capacity: 100);

        // 25 a shard: 12 pairs fill 24 of each; then no shard has room for a pair, though each has room for one.
        for (var i = 0; i < 48; i++)
        {
            await outbox.EnqueueAsync([CodeSms("1"), CodeSms("2")], default).AsTask().WaitAsync(Timeout);
        }

        Assert.False(outbox.HasRoomFor(2));
        Assert.True(outbox.HasRoomFor(1));
        Assert.Same(OutboxFull.Refusal, (await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync([CodeSms("1"), CodeSms("2")], default).AsTask().WaitAsync(Timeout))).Failure);
        for (var i = 0; i < 4; i++)
        {
            await outbox.EnqueueAsync(CodeSms("3"), default).AsTask().WaitAsync(Timeout);
        }

        Assert.Same(OutboxFull.Refusal, (await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync(CodeSms("4"), default).AsTask().WaitAsync(Timeout))).Failure);
        var pending = await PendingByKeyAsync();
        Assert.Equal(4, pending.Count);
        Assert.All(pending.Values, n => Assert.Equal(25, n));
        Assert.Equal(100, outbox.Backlog);
    }

    [Fact]
    public async Task EnqueueAsync_ShardsFullButOneThisNodeDoesNotKnowOf_TriesOnUntilTheOneWithRoom()
    {
        var filler = Outbox(Connection(), TimeProvider.System, capacity: 100);
        for (var i = 0; i < 100; i++)
        {
            await filler.EnqueueAsync(CodeSms("1"), default).AsTask().WaitAsync(Timeout);
        }

        // Shard 0 is emptied (its messages delivered); the others stay full.
        for (var i = 0; i < 25; i++)
        {
            var message = (await filler.TryDequeueAsync().WaitAsync(Timeout))!;
            Assert.StartsWith("0.", message.Id, StringComparison.Ordinal);
            await filler.AcknowledgeAsync(message, default).WaitAsync(Timeout);
        }

        // A node that has read nothing yet believes every shard empty: it is refused by the full ones, learns, and
        // lands both steps in the one with room.
        var stale = Outbox(Connection(), TimeProvider.System, capacity: 100);
        await stale.EnqueueAsync([CodeSms("2"), CodeSms("2")], default).AsTask().WaitAsync(Timeout);
        await stale.EnqueueAsync([CodeSms("3"), CodeSms("3")], default).AsTask().WaitAsync(Timeout);

        var pending = await PendingByKeyAsync();
        Assert.Equal(4, pending[$"{prefix}{{outbox}}:pending"]);
        Assert.Equal(79, pending.Values.Sum());
        Assert.False(stale.HasRoomFor(22));
        Assert.True(stale.HasRoomFor(21));
    }

    [Fact]
    public async Task EnqueueAsync_IntoAShardWithMessagesPendingOrADecoy_PublishedOnTheQuietChannelUntilHalfFull()
    {
        var outbox = Outbox(Connection(), TimeProvider.System, capacity: 8, shards: 1);
        var heard = await ListenAsync();

        // A message into the empty shard wakes the readers; the next two find messages pending (every reader has been
        // told), and a decoy changes nothing: those go where nobody listens.
        await outbox.EnqueueAsync(CodeSms("1"), default).AsTask().WaitAsync(Timeout);
        await outbox.EnqueueAsync(CodeSms("2"), default).AsTask().WaitAsync(Timeout);
        await outbox.EnqueueAsync(Decoy("3"), default).AsTask().WaitAsync(Timeout);
        await outbox.EnqueueAsync(CodeSms("4"), default).AsTask().WaitAsync(Timeout);

        // From half full on, every enqueue is announced: the other nodes' room checks must see the shard filling.
        await outbox.EnqueueAsync(CodeSms("5"), default).AsTask().WaitAsync(Timeout);
        await outbox.EnqueueAsync(Decoy("6"), default).AsTask().WaitAsync(Timeout);
        await outbox.EnqueueAsync(CodeSms("7"), default).AsTask().WaitAsync(Timeout);

        Assert.Equal(["0 1 1 -1", "0 4 4 -1", "0 5 5 -1"], await heard(AnnounceChannel));
        Assert.Equal(["0 2 2 -1", "0 2 2 -1", "0 3 3 -1", "0 4 4 -1"], await heard(QuietChannel));
    }

    [Fact]
    public async Task DequeueAsync_ReaderOnAnotherNodeAndMessagesIntoAShardWithMessagesPending_EveryMessageDeliveredOnce()
    {
        const int Messages = 12;
        var producer = Outbox(Connection(), TimeProvider.System, shards: 1);
        var reader = Outbox(Connection(), TimeProvider.System, shards: 1);
        var sender = new RecordingSender(expected: Messages);

        // Queued before the reader starts, then while it delivers: most land in a shard with messages pending, whose
        // enqueue announces nothing; the reader must come back for each of them all the same.
        for (var i = 0; i < Messages / 2; i++)
        {
            await producer.EnqueueAsync(CodeSms((300000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), default).AsTask().WaitAsync(Timeout);
        }

        await StartDispatcherAsync(reader, sender, TimeProvider.System);
        for (var i = Messages / 2; i < Messages; i++)
        {
            await producer.EnqueueAsync(CodeSms((300000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), default).AsTask().WaitAsync(Timeout);
        }

        await sender.All.WaitAsync(Timeout);
        await WaitUntilNoMessageKeyAsync();
        Assert.Equal(Enumerable.Range(300000, Messages).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), sender.Codes.Order());
    }

    private async Task StopDispatchersAsync()
    {
        // The stuck sender of a dead node returns at last, so that its dispatcher can stop.
        stuck.Release();
        foreach (var dispatcher in dispatchers)
        {
            await dispatcher.StopAsync(default).WaitAsync(Timeout);
            dispatcher.Dispose();
        }

        dispatchers.Clear();
    }

    private async Task StartDispatcherAsync(RedisNotificationOutbox outbox, INotificationSender sender, TimeProvider time, int concurrency = 4)
    {
        var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        owned.Add(metrics);
        var dispatcher = new NotificationDispatcher(
            outbox, [sender], null, new InMemoryRateLimiter(), new SecretKeys(new byte[32], codeKey, new byte[32]), new RecordingAuditLog(),
            Options.Create(new NotificationOptions { DispatchConcurrency = concurrency }), Options.Create(new Notifications.Sms.SmsOptions()), time, NullLogger<NotificationDispatcher>.Instance, outbox,
            metrics.GetRequiredService<IMeterFactory>());
        await dispatcher.StartAsync(default).WaitAsync(Timeout);
        dispatchers.Add(dispatcher);
    }

    private static Notification CodeSmsTo(int phone, int code) => NotificationTexts.Shipped.RecoveryCodeSms(
        "+346123" + phone.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), code.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(5), Language.Spanish);

    private static Notification CodeSms(string code) => NotificationTexts.Shipped.RecoveryCodeSms(Phone, code, TimeSpan.FromMinutes(5), Language.Spanish);

    private static Notification Decoy(string code) => CodeSms(code) with { Decoy = true };

    private string AnnounceChannel => prefix + "outbox:announce";

    private string QuietChannel => prefix + "outbox:quiet";

    /// <summary>
    /// Subscribes to the announce and quiet channels; the function returned gives what one of them carried so far. It
    /// first publishes a marker on that channel and waits for it: Redis delivers a subscriber's messages in the order
    /// they were published, so whatever an awaited enqueue published there has arrived before the marker.
    /// </summary>
    private async Task<Func<string, Task<List<string>>>> ListenAsync()
    {
        var mux = await fixture.Server.ConnectAsync().WaitAsync(Timeout);
        owned.Add(mux);
        var messages = new ConcurrentQueue<(string Channel, string Text)>();
        var marked = new ConcurrentDictionary<string, TaskCompletionSource>();
        var subscriber = mux.GetSubscriber();
        foreach (var channel in new[] { AnnounceChannel, QuietChannel })
        {
            // A queue per channel, read in order (a handler may be called out of order).
            var queue = await subscriber.SubscribeAsync(RedisChannel.Literal(channel)).WaitAsync(Timeout);
            queue.OnMessage(m =>
            {
                var text = (string)m.Message!;
                if (text.StartsWith("marker ", StringComparison.Ordinal))
                {
                    marked.GetOrAdd(text, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }
                else
                {
                    messages.Enqueue((channel, text));
                }
            });
        }

        var marks = 0;
        return async channel =>
        {
            var marker = "marker " + Interlocked.Increment(ref marks).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var arrived = marked.GetOrAdd(marker, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            await mux.GetDatabase().PublishAsync(RedisChannel.Literal(channel), marker).WaitAsync(Timeout);
            await arrived.WaitAsync(Timeout);
            return messages.Where(m => m.Channel == channel).Select(m => m.Text).ToList();
        };
    }

    private RedisConnection Connection()
    {
        var connection = new RedisConnection(Options.Create(new StorageOptions
        {
            Provider = "Redis",
            Redis = new RedisStorageOptions { Configuration = fixture.Server.Configuration, KeyPrefix = prefix },
        }));
        owned.Add(connection);
        return connection;
    }

    private RedisNotificationOutbox Outbox(RedisConnection connection, TimeProvider time, int capacity = 10_000, int shards = 4)
    {
        var outbox = new RedisNotificationOutbox(
            connection,
            new SecretKeys(new byte[32], codeKey, new byte[32]),
            new CryptoRandomSource(),
            Options.Create(new NotificationOptions { OutboxCapacity = capacity, OutboxShards = shards, VisibilityTimeout = Visibility, SweepInterval = TimeSpan.FromMinutes(10) }),
            time,
            NullLogger<RedisNotificationOutbox>.Instance);
        owned.Add(outbox);
        return outbox;
    }

    // One connection for every count, opened before the first: a new one would count its own handshake.
    private async Task<Dictionary<string, long>> CommandCountsAsync()
    {
        if (admin is null)
        {
            admin = await fixture.Server.ConnectAsync();
            owned.Add(admin);
        }

        var mux = admin;
        var info = await mux.GetServer(mux.GetEndPoints()[0]).InfoAsync("commandstats");
        return info.SelectMany(g => g).ToDictionary(
            e => e.Key["cmdstat_".Length..],
            e => long.Parse(e.Value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Dictionary<string, long> Increase(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.Where(a => a.Value > before.GetValueOrDefault(a.Key)).ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));

    private async Task<Dictionary<string, long>> PendingByKeyAsync()
    {
        var mux = await fixture.Server.ConnectAsync();
        owned.Add(mux);
        var pending = new Dictionary<string, long>();
        await foreach (var key in mux.GetServer(mux.GetEndPoints()[0]).KeysAsync(pattern: prefix + "*}:pending"))
        {
            pending[key.ToString()] = await mux.GetDatabase().ListLengthAsync(key);
        }

        return pending;
    }

    private async Task WaitUntilNoMessageKeyAsync()
    {
        var mux = await fixture.Server.ConnectAsync();
        owned.Add(mux);
        var server = mux.GetServer(mux.GetEndPoints()[0]);
        for (var i = 0; i < 200; i++)
        {
            var left = 0;
            await foreach (var _ in server.KeysAsync(pattern: prefix + "*}:m:*"))
            {
                left++;
            }

            if (left == 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("Messages were still in the outbox after 10 s.");
    }

    private sealed class RecordingSender(int expected) : INotificationSender
    {
        private readonly ConcurrentQueue<Notification> notifications = new();
        private readonly ConcurrentDictionary<int, TaskCompletionSource> reached = new();

        public IReadOnlyCollection<Notification> Notifications => notifications;

        public List<string> Codes => notifications.Select(n => n.Values["code"]).ToList();

        public Task All => Reached(expected);

        public Task Reached(int count)
        {
            var tcs = reached.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (notifications.Count >= count)
            {
                tcs.TrySetResult();
            }

            return tcs.Task;
        }

        public Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            notifications.Enqueue(notification);
            foreach (var (count, tcs) in reached)
            {
                if (notifications.Count >= count)
                {
                    tcs.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>A provider call that never returns: its node is stuck mid-delivery until it dies.</summary>
    private sealed class StuckSender : INotificationSender
    {
        private readonly ConcurrentQueue<Notification> taken = new();
        private readonly TaskCompletionSource never = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<Notification> Taken => [.. taken];

        public async Task Reached(int count)
        {
            while (taken.Count < count)
            {
                await Task.Delay(10);
            }
        }

        public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            taken.Enqueue(notification);
            await never.Task;
        }

        public void Release() => never.TrySetResult();
    }

    /// <summary>Holds message <c>held</c> in its provider call until message <c>until</c> has been delivered.</summary>
    private sealed class HoldingSender(string held, string until) : INotificationSender
    {
        private readonly TaskCompletionSource untilDelivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource both = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<string> delivered = new();

        public IReadOnlyList<string> Delivered => [.. delivered];

        public Task Completed => both.Task;

        public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            var code = notification.Values["code"];
            if (code == held)
            {
                await untilDelivered.Task.WaitAsync(cancellationToken);
            }

            delivered.Enqueue(code);
            if (code == until)
            {
                untilDelivered.TrySetResult();
            }

            if (delivered.Count >= 2)
            {
                both.TrySetResult();
            }
        }
    }

    /// <summary>A provider call that returns only when its dispatcher stops (the token is cancelled).</summary>
    private sealed class BlockedSender : INotificationSender
    {
        private int entered;
        private int returned;

        public int Returned => Volatile.Read(ref returned);

        public async Task Entered(int count)
        {
            while (Volatile.Read(ref entered) < count)
            {
                await Task.Delay(10);
            }
        }

        public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref entered);
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
            Interlocked.Increment(ref returned);
        }
    }
}
