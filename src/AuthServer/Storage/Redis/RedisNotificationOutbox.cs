using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Security;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// The durable outbox shared by all nodes. Keys (all in the <c>{outbox}</c> slot, so every script
/// runs on Cluster; none has a TTL, because a message must outlive any outage until it is delivered):
/// <list type="bullet">
/// <item><c>{outbox}:pending</c> — list of message ids, oldest first.</item>
/// <item><c>{outbox}:leases</c> — sorted set of taken ids scored by the time their taker's lease ends.</item>
/// <item><c>{outbox}:m:&lt;id&gt;</c> — hash: <c>p</c> the message sealed with AES-256-GCM, <c>c</c> times taken.</item>
/// <item><c>{outbox}:held</c> — sorted set of change ids whose messages are held, scored by when any node may settle them.</item>
/// <item><c>{outbox}:h:&lt;changeId&gt;</c> — hash: <c>ids</c> the held message ids, <c>fence</c> the key deciding the change's outcome.</item>
/// <item><c>{outbox}:heldn</c> — how many messages are held (they count against the capacity).</item>
/// </list>
/// A change and its messages live in different slots (the customer's and the outbox's), so they cannot
/// be one script on Cluster. Instead: the messages are held first (durable, not deliverable), the change
/// records its outcome in the customer's slot in the same script that applies it, and then the messages
/// are released. If the node dies in between, any node's dispatcher finds the hold past its time and
/// settles it: <see cref="RedisCustomerStore.SettleScript"/> returns <c>applied</c>, or decides
/// <c>dropped</c> so that the change can never apply later; the messages are released or deleted to match.
/// A per-message lease rather than a processing list per node: a list per node can only be
/// recovered by detecting that its node died, whereas a lease also frees a message held by a node
/// that is alive but stuck. Messages carry codes and temporary passwords by necessity until they are
/// sent, so they are sealed (key derived from <c>Secrets:CodeKey</c>, bound to the message id) and
/// deleted on acknowledgement.
/// </summary>
public sealed partial class RedisNotificationOutbox : INotificationOutbox, INotificationOutboxReader, IDisposable
{
    private const string Label = "recovery.v1/notification/aes-256-gcm";

    // All or none, refused beyond capacity: pending plus taken-but-unacknowledged is what delivery is
    // behind by, and held messages have their room reserved (KEYS[3]). KEYS[4..] are the messages'
    // hashes; ARGV[2..] their ids then their sealed payloads.
    private const string EnqueueScript = """
        local n = #KEYS - 3
        local held = tonumber(redis.call('GET', KEYS[3]) or '0')
        local backlog = redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2])
        if backlog + held + n > tonumber(ARGV[1]) then return {0, backlog} end
        for i = 1, n do
          redis.call('HSET', KEYS[3 + i], 'p', ARGV[1 + n + i], 'c', 0)
          redis.call('RPUSH', KEYS[1], ARGV[1 + i])
        end
        return {1, backlog + n}
        """;

    // A message whose lease ran out (its taker died or stalled) goes first: it is the oldest.
    private const string DequeueScript = """
        local id
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1)
        if #expired > 0 then id = expired[1] else id = redis.call('LPOP', KEYS[1]) end
        if not id then return {redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2])} end
        local m = ARGV[3] .. id
        local payload = redis.call('HGET', m, 'p')
        if not payload then
          redis.call('ZREM', KEYS[2], id)
          return {redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]), ''}
        end
        redis.call('ZADD', KEYS[2], ARGV[2], id)
        local taken = redis.call('HINCRBY', m, 'c', 1)
        return {redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]), id, payload, taken}
        """;

    private const string AcknowledgeScript = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[2])
        return redis.call('LLEN', KEYS[3]) + redis.call('ZCARD', KEYS[1])
        """;

    // Only if still leased: if the lease ran out and another node took it, that node owns it now.
    private const string RetryScript = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
          redis.call('HINCRBY', KEYS[3], 'c', -1)
          redis.call('LPUSH', KEYS[2], ARGV[1])
          return 1
        end
        return 0
        """;

    // Still leased by this node: the lease now ends when the delay does, so the dequeue script hands it out again
    // then (to any node), and the take does not count as an attempt. If the lease was lost, its new taker owns it.
    private const string DeferScript = """
        if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
          redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
          redis.call('HINCRBY', KEYS[2], 'c', -1)
          return 1
        end
        return 0
        """;

    // KEYS: pending, leases, held, the change's hold, heldn, then the messages' hashes. ARGV: capacity,
    // settle-after (ms), change id, fence key, message ids (space-separated), then the sealed payloads.
    // Holding the same change twice keeps the first hold.
    private const string HoldScript = """
        if redis.call('EXISTS', KEYS[4]) == 1 then return {1, 0} end
        local n = #KEYS - 5
        local backlog = redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + tonumber(redis.call('GET', KEYS[5]) or '0')
        if backlog + n > tonumber(ARGV[1]) then return {0, backlog} end
        for i = 1, n do
          redis.call('HSET', KEYS[5 + i], 'p', ARGV[5 + i], 'c', 0)
        end
        redis.call('HSET', KEYS[4], 'ids', ARGV[5], 'fence', ARGV[4])
        redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
        redis.call('INCRBY', KEYS[5], n)
        return {1, backlog + n}
        """;

    // KEYS: pending, held, the change's hold, heldn. ARGV: change id, message key prefix, '1' to release
    // or '0' to drop. Whichever comes first (the flow, or a dispatcher settling it) does it; the other finds nothing.
    private const string SettleHoldScript = """
        local ids = redis.call('HGET', KEYS[3], 'ids')
        redis.call('ZREM', KEYS[2], ARGV[1])
        if not ids then return 0 end
        local n = 0
        for id in string.gmatch(ids, '%S+') do
          if ARGV[3] == '1' then redis.call('RPUSH', KEYS[1], id) else redis.call('DEL', ARGV[2] .. id) end
          n = n + 1
        end
        redis.call('DEL', KEYS[3])
        redis.call('DECRBY', KEYS[4], n)
        return n
        """;

    private readonly RedisConnection redis;
    private readonly SecretBox box;
    private readonly IRandomSource random;
    private readonly IOptions<NotificationOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<RedisNotificationOutbox> logger;
    private readonly RedisKey pending;
    private readonly RedisKey leases;
    private readonly RedisKey held;
    private readonly RedisKey heldCount;
    private readonly string messagePrefix;
    private long nextSettleTicks;
    private readonly SemaphoreSlim wake = new(0, int.MaxValue);
    private long backlog;

    public RedisNotificationOutbox(
        RedisConnection redis,
        SecretKeys keys,
        IRandomSource random,
        IOptions<NotificationOptions> options,
        TimeProvider time,
        ILogger<RedisNotificationOutbox> logger)
    {
        this.redis = redis;
        box = new SecretBox(keys.CodeKey, Label, random);
        this.random = random;
        this.options = options;
        this.time = time;
        this.logger = logger;
        pending = redis.Key("outbox", "pending");
        leases = redis.Key("outbox", "leases");
        held = redis.Key("outbox", "held");
        heldCount = redis.Key("outbox", "heldn");
        messagePrefix = redis.Key("outbox", "m:").ToString();
    }

    /// <summary>
    /// Answers from the backlog last seen by this node (every enqueue and every poll refreshes it, so
    /// it is at most <see cref="NotificationOptions.PollInterval"/> old): a flow asks before it changes
    /// anything and must not wait on Redis for it. The enqueue script is the exact bound.
    /// </summary>
    public bool HasRoomFor(int messages) => Interlocked.Read(ref backlog) + messages <= options.Value.OutboxCapacity;

    public long Backlog => Interlocked.Read(ref backlog);

    public async ValueTask EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        var n = notifications.Count;
        var keys = new RedisKey[3 + n];
        var values = new RedisValue[1 + (2 * n)];
        keys[0] = pending;
        keys[1] = leases;
        keys[2] = heldCount;
        values[0] = options.Value.OutboxCapacity;
        for (var i = 0; i < n; i++)
        {
            var id = Tokens.New(random);
            keys[3 + i] = MessageKey(id);
            values[1 + i] = id;
            values[1 + n + i] = Seal(notifications[i], id);
        }

        var result = (RedisResult[])(await redis.ScriptAsync(EnqueueScript, keys, values))!;
        Interlocked.Exchange(ref backlog, (long)result[1]);
        if ((long)result[0] != 1)
        {
            throw OutboxFull.Exception();
        }

        if (wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    public async ValueTask HoldAsync(string changeId, string customerId, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        var n = notifications.Count;
        var ids = new string[n];
        var keys = new RedisKey[5 + n];
        var values = new RedisValue[5 + n];
        keys[0] = pending;
        keys[1] = leases;
        keys[2] = held;
        keys[3] = HoldKey(changeId);
        keys[4] = heldCount;
        for (var i = 0; i < n; i++)
        {
            ids[i] = Tokens.New(random);
            keys[5 + i] = MessageKey(ids[i]);
            values[5 + i] = Seal(notifications[i], ids[i]);
        }

        values[0] = options.Value.OutboxCapacity;
        values[1] = (time.GetUtcNow() + options.Value.HoldTimeout).ToUnixTimeMilliseconds();
        values[2] = changeId;
        values[3] = RedisCustomerStore.ChangeKey(redis, customerId, changeId).ToString();
        values[4] = string.Join(' ', ids);
        var result = (RedisResult[])(await redis.ScriptAsync(HoldScript, keys, values))!;
        if ((long)result[0] != 1)
        {
            Interlocked.Exchange(ref backlog, (long)result[1]);
            throw OutboxFull.Exception();
        }
    }

    public async Task ReleaseAsync(string changeId, CancellationToken cancellationToken)
    {
        if (await SettleHoldAsync(changeId, release: true) > 0 && wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    public Task DropAsync(string changeId, CancellationToken cancellationToken) => SettleHoldAsync(changeId, release: false);

    /// <summary>
    /// Settles holds whose time has passed (their node died or stalled between the change and the
    /// release): asks the change's fence key whether it applied, deciding it dropped if not, then
    /// releases or deletes the messages to match. Run by every dispatcher at most once a second.
    /// </summary>
    public async Task<int> SettleAbandonedHoldsAsync()
    {
        var now = time.GetUtcNow();
        var due = await redis.ExecuteAsync(db => db.SortedSetRangeByScoreAsync(held, double.NegativeInfinity, now.ToUnixTimeMilliseconds(), take: 16));
        var settled = 0;
        foreach (var changeId in due)
        {
            var fence = await redis.ExecuteAsync(db => db.HashGetAsync(HoldKey(changeId!), "fence"));
            var applied = !fence.IsNull &&
                (string?)await redis.ScriptAsync(RedisCustomerStore.SettleScript, [(string)fence!], [(long)RedisCustomerStore.ChangeMemory.TotalMilliseconds]) == "applied";
            await SettleHoldAsync(changeId!, applied);
            LogHoldSettled(applied ? "released" : "dropped");
            settled++;
        }

        return settled;
    }

    public async ValueTask<QueuedNotification> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TryDequeueAsync() is { } message)
            {
                return message;
            }

            // Real time: polling is pacing. An enqueue on this node wakes the loop at once.
            await wake.WaitAsync(options.Value.PollInterval, cancellationToken);
        }
    }

    /// <summary>The next message, leased to this node until the visibility timeout; null if none is waiting.</summary>
    public async Task<QueuedNotification?> TryDequeueAsync()
    {
        // Real time, like the polling: a fake clock in tests still has holds settled by SettleAbandonedHoldsAsync.
        var nowTicks = DateTime.UtcNow.Ticks;
        var next = Interlocked.Read(ref nextSettleTicks);
        if (nowTicks >= next && Interlocked.CompareExchange(ref nextSettleTicks, nowTicks + TimeSpan.TicksPerSecond, next) == next)
        {
            await SettleAbandonedHoldsAsync();
        }

        while (true)
        {
            var now = time.GetUtcNow();
            var result = (RedisResult[])(await redis.ScriptAsync(
                DequeueScript,
                [pending, leases],
                [now.ToUnixTimeMilliseconds(), (now + options.Value.VisibilityTimeout).ToUnixTimeMilliseconds(), messagePrefix]))!;
            Interlocked.Exchange(ref backlog, (long)result[0]);
            if (result.Length == 1)
            {
                return null;
            }

            var id = (string)result[1]!;
            if (id.Length == 0)
            {
                continue;
            }

            var plaintext = box.Unprotect((byte[])result[2]!, Associated(id));
            if (plaintext is null)
            {
                // Tampered with, or sealed under another CodeKey: it can never be sent. Drop it loudly.
                LogUnreadable();
                await redis.ScriptAsync(AcknowledgeScript, [leases, MessageKey(id), pending], [id]);
                continue;
            }

            try
            {
                var notification = JsonSerializer.Deserialize<Notification>(plaintext)!;
                return new QueuedNotification(id, notification, (int)(long)result[3]);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }
    }

    public async Task AcknowledgeAsync(QueuedNotification message, CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref backlog, (long)await redis.ScriptAsync(AcknowledgeScript, [leases, MessageKey(message.Id), pending], [message.Id]));

    public Task RetryAsync(QueuedNotification message, CancellationToken cancellationToken) =>
        redis.ScriptAsync(RetryScript, [leases, pending, MessageKey(message.Id)], [message.Id]);

    public Task DeferAsync(QueuedNotification message, TimeSpan delay, CancellationToken cancellationToken) =>
        redis.ScriptAsync(DeferScript, [leases, MessageKey(message.Id)], [message.Id, (time.GetUtcNow() + delay).ToUnixTimeMilliseconds()]);

    public void Dispose() => wake.Dispose();

    private byte[] Seal(Notification notification, string id)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(notification);
        try
        {
            return box.Protect(json, Associated(id));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    private async Task<long> SettleHoldAsync(string changeId, bool release) =>
        (long)await redis.ScriptAsync(SettleHoldScript, [pending, held, HoldKey(changeId), heldCount], [changeId, messagePrefix, release ? "1" : "0"]);

    private RedisKey HoldKey(string changeId) => redis.Key("outbox", "h:" + changeId);

    private RedisKey MessageKey(string id) => messagePrefix + id;

    private static byte[] Associated(string id) => Encoding.ASCII.GetBytes("notification:" + id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Messages held for a credential change whose node did not settle them were {Outcome}")]
    private partial void LogHoldSettled(string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "A queued notification could not be decrypted (tampered with, or sealed under another Secrets:CodeKey); dropped")]
    private partial void LogUnreadable();
}
