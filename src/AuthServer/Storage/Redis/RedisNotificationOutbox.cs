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
/// </list>
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
    // behind by. KEYS[3..] are the messages' hashes; ARGV[2..] their ids then their sealed payloads.
    private const string EnqueueScript = """
        local n = #KEYS - 2
        local backlog = redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2])
        if backlog + n > tonumber(ARGV[1]) then return {0, backlog} end
        for i = 1, n do
          redis.call('HSET', KEYS[2 + i], 'p', ARGV[1 + n + i], 'c', 0)
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

    private readonly RedisConnection redis;
    private readonly SecretBox box;
    private readonly IRandomSource random;
    private readonly IOptions<NotificationOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<RedisNotificationOutbox> logger;
    private readonly RedisKey pending;
    private readonly RedisKey leases;
    private readonly string messagePrefix;
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
        var keys = new RedisKey[2 + n];
        var values = new RedisValue[1 + (2 * n)];
        keys[0] = pending;
        keys[1] = leases;
        values[0] = options.Value.OutboxCapacity;
        for (var i = 0; i < n; i++)
        {
            var id = Tokens.New(random);
            keys[2 + i] = MessageKey(id);
            values[1 + i] = id;
            values[1 + n + i] = Seal(notifications[i], id);
        }

        var result = (RedisResult[])(await redis.ScriptAsync(EnqueueScript, keys, values))!;
        Interlocked.Exchange(ref backlog, (long)result[1]);
        if ((long)result[0] != 1)
        {
            throw new OutboxFullException();
        }

        if (wake.CurrentCount == 0)
        {
            wake.Release();
        }
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

    private RedisKey MessageKey(string id) => messagePrefix + id;

    private static byte[] Associated(string id) => Encoding.ASCII.GetBytes("notification:" + id);

    [LoggerMessage(Level = LogLevel.Error, Message = "A queued notification could not be decrypted (tampered with, or sealed under another Secrets:CodeKey); dropped")]
    private partial void LogUnreadable();
}
