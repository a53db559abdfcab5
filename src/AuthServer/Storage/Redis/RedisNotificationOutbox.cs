using System.Collections.Concurrent;
using System.Globalization;
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
/// The durable outbox shared by all nodes, split into <see cref="NotificationOptions.OutboxShards"/> shards so that a
/// Redis Cluster spreads it over its primaries. Shard <c>s</c> has its own hash tag (<c>{outbox}</c> for shard 0, the
/// tag of the single-slot design, so messages queued before an upgrade are still read; <c>{outbox:s}</c> for the
/// others) and in it (none with a TTL: a message must outlive any outage until it is delivered):
/// <list type="bullet">
/// <item><c>pending</c> — list of message ids, oldest first.</item>
/// <item><c>leases</c> — sorted set of taken ids scored by the time their taker's lease ends.</item>
/// <item><c>m:&lt;id&gt;</c> — hash: <c>p</c> the message sealed with AES-256-GCM, <c>c</c> times taken. The id
/// starts with its shard (<c>3.xxxx</c>), so acknowledging finds it without a lookup.</item>
/// <item><c>held</c> — sorted set of change ids whose messages are held, scored by when any node may settle them.</item>
/// <item><c>h:&lt;changeId&gt;</c> — hash: <c>ids</c> the held message ids, <c>fence</c> the key deciding the change's outcome.</item>
/// <item><c>heldn</c> — how many messages are held (they count against the capacity).</item>
/// <item><c>scratch:ids</c>, <c>scratch:m</c> — a decoy's id and payload, written and deleted within its enqueue
/// script (they never outlive it): a decoy costs Redis what a message does, and the dispatcher nothing.</item>
/// </list>
/// <para>
/// A step's messages go to one shard, so its enqueue stays one all-or-none script (one round trip): the shard with the
/// most room as this node sees it. A change's held messages go to the shard its id hashes to, so that its release
/// finds them. The capacity is divided between the shards and each script enforces its shard's part exactly; a step
/// refused by a full shard tries one the node believes has room, so it is refused only when no shard has room for all
/// its messages.
/// </para>
/// <para>
/// No polling. Every script that changes a shard publishes the shard's state (backlog, pending count, earliest lease
/// end or hold settle time) on one channel (an enqueue only when a reader would act on it:
/// <see cref="RedisOutboxScripts.Enqueue"/>), and every node's reader subscribes to it (the multiplexer's subscriber
/// connection; StackExchange.Redis cannot block on the shared connection, and a blocking read per shard would need a
/// dedicated connection per shard and node). A reader takes from the shards announced to have pending messages, and
/// otherwise sleeps until the earliest deadline it knows of (a lease that may need taking over, a hold that may need
/// settling) or the <see cref="NotificationOptions.SweepInterval"/> safety sweep, which covers an announcement lost
/// while a subscription was reconnecting (a restored connection also triggers a full look). An idle outbox therefore
/// costs no command at all between sweeps. Chosen over Redis Streams with consumer groups because the outbox needs
/// what streams lack: holds and fences across slots, deferral to a time, and a capacity bound inside the enqueue;
/// leases give a taker that is alive but stuck the same recovery as a dead one (XAUTOCLAIM would too, but then every
/// other piece would have to be rebuilt around it).
/// </para>
/// <para>
/// A change and its messages live in different slots (the customer's and the outbox's), so they cannot be one script
/// on Cluster. Instead: the messages are held first (durable, not deliverable), the change records its outcome in the
/// customer's slot in the same script that applies it, and then the messages are released. If the node dies in
/// between, any node's reader finds the hold past its time (the hold's deadline was announced) and settles it:
/// <see cref="RedisCustomerStore.SettleScript"/> returns <c>applied</c>, or decides <c>dropped</c> so that the change
/// can never apply later; the messages are released or deleted to match. A change that announces itself ("settle
/// &lt;change id&gt;") is settled by the readers that hear it; a hold announces itself too ("held &lt;change id&gt;"), for a
/// hold sent beside its change that reached its node after the change had announced (Cluster): the readers read its
/// fence and settle it if the change is decided. A per-message lease rather than a processing
/// list per node: a list per node can only be recovered by detecting that its node died, whereas a lease also frees a
/// message held by a node that is alive but stuck. Delivery is at least once: a node that dies after a provider
/// accepted a message but before acknowledging it leaves it to be sent again when its lease ends; the message id (the
/// same on every redelivery) reaches the senders as <see cref="Notification.MessageId"/> for them to deduplicate.
/// Messages carry codes and temporary passwords by necessity until they are sent, so they are sealed (key derived from
/// <c>Secrets:CodeKey</c>, bound to the message id) and deleted on acknowledgement.
/// </para>
/// </summary>
public sealed partial class RedisNotificationOutbox : INotificationOutbox, INotificationOutboxReader, IDisposable
{
    private const string Label = "recovery.v1/notification/aes-256-gcm";

    private readonly RedisConnection redis;
    private readonly SecretBox box;
    private readonly IRandomSource random;
    private readonly IOptions<NotificationOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<RedisNotificationOutbox> logger;
    private readonly Shard[] shards;
    private readonly RedisOutboxShards view;
    private readonly string channelName;
    private readonly string quietChannelName;
    private const string SettlePrefix = "settle ";
    private const string HeldPrefix = "held ";

    private readonly SemaphoreSlim subscribing = new(1, 1);
    // Changes announced by their own script ("settle": decided, the fence settles them) or by their hold's ("held": the
    // fence is only read, as the change may still be on its way).
    private readonly ConcurrentQueue<(string ChangeId, bool Decided)> announcedChanges = new();
    private ChannelMessageQueue? subscription;
    private ConnectionMultiplexer? subscribedOn;
    // When the next safety sweep is due (Unix ms). Several dispatcher loops read through this one reader
    // (NotificationOptions.DispatchConcurrency): the loop that moves it on (compare-and-swap) sweeps, the others do not.
    private long nextSweepMs = long.MinValue;

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
        var count = options.Value.OutboxShards;
        shards = Enumerable.Range(0, count).Select(s => new Shard(redis, s)).ToArray();
        view = new RedisOutboxShards(count, options.Value.OutboxCapacity);

        channelName = AnnounceChannel(redis);
        quietChannelName = QuietChannel(redis);
    }

    /// <summary>
    /// Answers from what this node knows (every script it runs and every change any node announces refreshes it): a
    /// flow asks before it changes anything and must not wait on Redis for it. True when one shard has room for all of
    /// <paramref name="messages"/>. The enqueue script is the exact bound.
    /// </summary>
    public bool HasRoomFor(int messages) => view.HasRoomFor(messages);

    public long Backlog => view.Total;

    public async ValueTask EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        var n = notifications.Count;
        var tried = 0;
        while (view.PickFor(n, tried) is var s and >= 0)
        {
            tried |= 1 << s;
            if (await EnqueueOnAsync(s, notifications, view.Capacity(s)))
            {
                return;
            }
        }

        throw OutboxFull.Exception();
    }

    /// <summary>
    /// The same script on the shard with the most room as this node sees it, with no bound: the capacity is for new work,
    /// and these messages' change has committed (<see cref="INotificationOutbox.EnqueueCommittedAsync"/>).
    /// </summary>
    public async ValueTask EnqueueCommittedAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        if (!await EnqueueOnAsync(view.PickFor(notifications.Count, 0), notifications, long.MaxValue))
        {
            throw new InvalidOperationException("The outbox refused messages it was asked to take whatever its room.");
        }
    }

    // One all-or-none enqueue script on shard s, refused beyond the given bound (the shard's capacity, or none).
    private async Task<bool> EnqueueOnAsync(int s, IReadOnlyList<Notification> notifications, long bound)
    {
        var n = notifications.Count;
        var shard = shards[s];
        var keys = new RedisKey[6 + n];
        var values = new RedisValue[5 + (2 * n)];
        shard.Fill(keys, values, channelName);
        keys[4] = shard.ScratchList;
        keys[5] = shard.ScratchHash;
        values[2] = bound;
        values[3] = view.Capacity(s);
        values[4] = quietChannelName;
        for (var i = 0; i < n; i++)
        {
            // A decoy is given an id and sealed like a message (the same work and the same sizes sent), but the
            // script writes it to the shard's scratch keys and deletes them: it is never stored for delivery
            // (RedisOutboxScripts.Enqueue).
            var id = s.ToString(CultureInfo.InvariantCulture) + "." + Tokens.New(random);
            keys[6 + i] = notifications[i].Decoy ? shard.ScratchHash : shard.MessageKey(id);
            values[5 + i] = id;
            values[5 + n + i] = Seal(notifications[i], id);
        }

        var result = (RedisResult[])(await redis.ScriptAsync(RedisOutboxScripts.Enqueue, keys, values))!;

        // Applying the result marks the shard for this node's reader (its pending count is above zero), without waiting
        // for the announcement to come back.
        Apply(s, result, 1);
        return (long)result[0] == 1;
    }

    public async ValueTask HoldAsync(string changeId, string customerId, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        var n = notifications.Count;
        var s = ShardOfChange(changeId);
        var shard = shards[s];
        var ids = new string[n];
        var keys = new RedisKey[5 + n];
        var values = new RedisValue[7 + n];
        shard.Fill(keys, values, channelName);
        keys[4] = shard.HoldKey(changeId);
        for (var i = 0; i < n; i++)
        {
            ids[i] = s.ToString(CultureInfo.InvariantCulture) + "." + Tokens.New(random);
            keys[5 + i] = shard.MessageKey(ids[i]);
            values[7 + i] = Seal(notifications[i], ids[i]);
        }

        values[2] = view.Capacity(s);
        values[3] = (time.GetUtcNow() + options.Value.HoldTimeout).ToUnixTimeMilliseconds();
        values[4] = changeId;
        values[5] = RedisCustomerStore.ChangeKey(redis, customerId, changeId).ToString();
        values[6] = string.Join(' ', ids);
        var result = (RedisResult[])(await redis.ScriptAsync(RedisOutboxScripts.Hold, keys, values))!;
        Apply(s, result, 1);
        if ((long)result[0] != 1)
        {
            throw OutboxFull.Exception();
        }
    }

    public async Task ReleaseAsync(string changeId, CancellationToken cancellationToken)
    {
        var s = ShardOfChange(changeId);
        if (await SettleHoldAsync(s, changeId, release: true) > 0)
        {
            view.MarkDirty(s);
        }
    }

    public Task DropAsync(string changeId, CancellationToken cancellationToken) => SettleHoldAsync(ShardOfChange(changeId), changeId, release: false);

    /// <summary>
    /// Nothing to send: the change's own script announced the release on the outbox's channel
    /// (<see cref="RedisCustomerStore.RestoreWithTemporaryPasswordAsync"/>), and every node's reader that hears it settles
    /// the hold against the change's fence (released, as it applied). A lost announcement leaves the hold to the
    /// reader that settles it at its time (<see cref="NotificationOptions.HoldTimeout"/>), as for a node that died.
    /// </summary>
    public Task ReleaseAnnouncedAsync(string changeId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Nothing to send: the change's own script recorded it as dropped and announced it on the outbox's channel
    /// (<see cref="RedisAuthenticatorStore.ConfirmWithSmsCodeAsync"/>), and the reader that hears it settles the hold
    /// against the change's fence (deleted, as it was dropped). A lost announcement leaves the hold to the reader that
    /// settles it at its time (<see cref="NotificationOptions.HoldTimeout"/>), which reads the same fence.
    /// </summary>
    public Task DropAnnouncedAsync(string changeId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Where an enqueue publishes what no reader would act on (<see cref="RedisOutboxScripts.Enqueue"/>): nobody
    /// subscribes to it.
    /// </summary>
    internal static string QuietChannel(RedisConnection redis) => redis.KeyPrefix + "outbox:quiet";

    /// <summary>The channel every outbox script announces on, and a change's script announces its release on ("settle &lt;change id&gt;").</summary>
    // Prefixed like the keys, so deployments (and tests) sharing a Redis never wake each other.
    internal static string AnnounceChannel(RedisConnection redis) => redis.KeyPrefix + "outbox:announce";

    /// <summary>
    /// Settles holds whose time has passed in every shard (their node died or stalled between the change and the
    /// release): asks the change's fence key whether it applied, deciding it dropped if not, then releases or deletes
    /// the messages to match. The reader runs it for a shard when the shard's announced hold deadline comes, and for
    /// all of them at each sweep.
    /// </summary>
    public async Task<int> SettleAbandonedHoldsAsync()
    {
        var settled = 0;
        for (var s = 0; s < shards.Length; s++)
        {
            settled += await SettleAbandonedHoldsAsync(s);
        }

        return settled;
    }

    public async ValueTask<QueuedNotification> DequeueAsync(CancellationToken cancellationToken)
    {
        await SubscribeAsync();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!view.Known)
            {
                await RefreshAsync();
            }

            var now = time.GetUtcNow();
            var sweepAt = Interlocked.Read(ref nextSweepMs);
            if (now.ToUnixTimeMilliseconds() >= sweepAt &&
                Interlocked.CompareExchange(ref nextSweepMs, (now + options.Value.SweepInterval).ToUnixTimeMilliseconds(), sweepAt) == sweepAt)
            {
                // The safety net: look at every shard as if each had announced work and a due hold, and for changes
                // that applied without this node hearing it (it started or reconnected after their announcement).
                view.MarkAllDirty();
                await SettleAbandonedHoldsAsync();
                for (var s = 0; s < shards.Length; s++)
                {
                    await ReleaseAppliedHoldsAsync(s);
                }
            }

            foreach (var s in view.TakeDue(now.ToUnixTimeMilliseconds()))
            {
                await SettleAbandonedHoldsAsync(s);
            }

            // Changes that announced they applied: their held messages go now, not at the hold's time. A hold announced
            // after its change (the two went in one pipeline to different nodes) goes as soon as it is heard.
            while (announcedChanges.TryDequeue(out var announced))
            {
                if (announced.Decided)
                {
                    await SettleAnnouncedAsync(announced.ChangeId);
                }
                else
                {
                    await SettleHeldIfDecidedAsync(announced.ChangeId);
                }
            }

            // A take reports how many messages are left in its shard, which marks the shard again if there are more:
            // no empty take after the last one.
            while (view.TryTakeDirty(out var s))
            {
                if (await TakeAsync(s) is { } message)
                {
                    return message;
                }
            }

            // Moved on by this loop or another one just now: never long.MinValue here.
            var nextSweep = DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref nextSweepMs));
            var deadline = view.NextDeadline();
            var until = deadline == long.MaxValue ? nextSweep : Min(nextSweep, DateTimeOffset.FromUnixTimeMilliseconds(deadline));
            await view.WaitAsync(until, time, cancellationToken);
        }
    }

    /// <summary>The next message of any shard, leased to this node until the visibility timeout; null if none is waiting.</summary>
    public async Task<QueuedNotification?> TryDequeueAsync()
    {
        if (!view.Known)
        {
            await RefreshAsync();
        }

        for (var s = 0; s < shards.Length; s++)
        {
            if (await TakeAsync(s) is { } message)
            {
                return message;
            }
        }

        return null;
    }

    public async Task AcknowledgeAsync(QueuedNotification message, CancellationToken cancellationToken)
    {
        var s = ShardOf(message.Id);
        Apply(s, await RunAsync(s, RedisOutboxScripts.Acknowledge, message.Id), 0);
    }

    public async Task RetryAsync(QueuedNotification message, CancellationToken cancellationToken)
    {
        var s = ShardOf(message.Id);
        Apply(s, await RunAsync(s, RedisOutboxScripts.Retry, message.Id), 0);
    }

    public async Task DeferAsync(QueuedNotification message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var s = ShardOf(message.Id);
        Apply(s, await RunAsync(s, RedisOutboxScripts.Defer, message.Id, (time.GetUtcNow() + delay).ToUnixTimeMilliseconds()), 0);
    }

    public void Dispose()
    {
        if (subscribedOn is { } mux)
        {
            mux.ConnectionRestored -= OnConnectionRestored;
        }

        try
        {
            subscription?.Unsubscribe();
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            // The connection is gone already: so is the subscription.
        }

        view.Dispose();
        subscribing.Dispose();
    }

    /// <summary>The shard a message id names (ids queued before sharding have no shard part: shard 0, their old slot).</summary>
    internal static int ShardOf(string id)
    {
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && int.TryParse(id.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
    }

    /// <summary>Where change <paramref name="changeId"/>'s hold is kept (tests look at it).</summary>
    internal RedisKey HoldKeyOf(string changeId) => shards[ShardOfChange(changeId)].HoldKey(changeId);

    private int ShardOfChange(string changeId)
    {
        // FNV-1a: stable across processes and nodes (string.GetHashCode is randomised per process), so the node that
        // releases, or any node that settles, finds the hold.
        var hash = 2166136261u;
        foreach (var c in changeId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)shards.Length);
    }

    private async Task SubscribeAsync()
    {
        if (subscription is not null)
        {
            return;
        }

        await subscribing.WaitAsync();
        try
        {
            if (subscription is not null)
            {
                return;
            }

            var mux = await redis.GetMultiplexerAsync();
            var queue = await redis.ExecuteAsync(_ => mux.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channelName)));

            // In order, one at a time: a shard's later state must not be overwritten by an earlier one.
            queue.OnMessage(OnAnnounced);
            mux.ConnectionRestored += OnConnectionRestored;
            (subscription, subscribedOn) = (queue, mux);

            // Whatever changed before the subscription was heard by nobody here: read every shard once.
            view.Known = false;
        }
        finally
        {
            subscribing.Release();
        }
    }

    private void OnAnnounced(ChannelMessage message)
    {
        var text = (string?)message.Message;
        if (text is not null && text.StartsWith(SettlePrefix, StringComparison.Ordinal))
        {
            announcedChanges.Enqueue((text[SettlePrefix.Length..], true));
            view.Signal();
            return;
        }

        if (text is not null && text.StartsWith(HeldPrefix, StringComparison.Ordinal))
        {
            announcedChanges.Enqueue((text[HeldPrefix.Length..], false));
            view.Signal();
            return;
        }

        var parts = text?.Split(' ');
        if (parts is [var s, var b, var p, var d] &&
            int.TryParse(s, CultureInfo.InvariantCulture, out var shard) &&
            long.TryParse(b, CultureInfo.InvariantCulture, out var backlog) &&
            long.TryParse(p, CultureInfo.InvariantCulture, out var pending) &&
            long.TryParse(d, CultureInfo.InvariantCulture, out var deadline))
        {
            view.Update(shard, backlog, pending, deadline);
        }
    }

    // Announcements made while the subscription was down are lost: look at everything again.
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        view.Known = false;
        view.MarkAllDirty();
    }

    private async Task RefreshAsync()
    {
        // One round trip: the shards' reads are sent together.
        var results = await Task.WhenAll(Enumerable.Range(0, shards.Length).Select(s => RunAsync(s, RedisOutboxScripts.Read, null)));
        for (var s = 0; s < results.Length; s++)
        {
            Apply(s, results[s], 0);
            view.MarkDirty(s);
        }

        view.Known = true;
    }

    private async Task<QueuedNotification?> TakeAsync(int s)
    {
        var shard = shards[s];
        while (true)
        {
            var now = time.GetUtcNow();
            var result = await RunAsync(
                s,
                RedisOutboxScripts.Dequeue,
                null,
                now.ToUnixTimeMilliseconds(),
                (now + options.Value.VisibilityTimeout).ToUnixTimeMilliseconds(),
                shard.MessagePrefix);
            Apply(s, result, 0);
            if (result.Length == 3)
            {
                return null;
            }

            var id = (string)result[3]!;
            if (id.Length == 0)
            {
                continue;
            }

            var plaintext = box.Unprotect((byte[])result[4]!, Associated(id));
            if (plaintext is null)
            {
                // Tampered with, or sealed under another CodeKey: it can never be sent. Drop it loudly.
                LogUnreadable();
                Apply(s, await RunAsync(s, RedisOutboxScripts.Acknowledge, id), 0);
                continue;
            }

            try
            {
                var notification = JsonSerializer.Deserialize(plaintext, RedisNotificationJsonContext.Default.Notification)!;
                return new QueuedNotification(id, notification, (int)(long)result[5]);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }
    }

    private async Task<int> SettleAbandonedHoldsAsync(int s)
    {
        var shard = shards[s];
        var now = time.GetUtcNow();
        var due = await redis.ExecuteAsync(db => db.SortedSetRangeByScoreAsync(shard.Held, double.NegativeInfinity, now.ToUnixTimeMilliseconds(), take: 16));
        var settled = 0;
        foreach (var changeId in due)
        {
            var fence = await redis.ExecuteAsync(db => db.HashGetAsync(shard.HoldKey(changeId!), "fence"));
            var applied = !fence.IsNull &&
                (string?)await redis.ScriptAsync(RedisCustomerStore.SettleScript, [(string)fence!], [(long)RedisCustomerStore.ChangeMemory.TotalMilliseconds]) == "applied";
            await SettleHoldAsync(s, changeId!, applied);
            LogHoldSettled(applied ? "released" : "dropped");
            settled++;
        }

        return settled;
    }

    // Holds whose change has applied, whatever their time: an announcement nobody heard (a subscription that was down,
    // a reader that started after the change) costs a sweep's wait at most, not the hold's timeout. A plain read of the
    // fence: a change that has not applied is left to its node, or to the hold's time, never decided here.
    private async Task ReleaseAppliedHoldsAsync(int s)
    {
        var shard = shards[s];
        var held = await redis.ExecuteAsync(db => db.SortedSetRangeByRankAsync(shard.Held, 0, 63));
        foreach (var changeId in held)
        {
            var fence = await redis.ExecuteAsync(db => db.HashGetAsync(shard.HoldKey(changeId!), "fence"));
            if (!fence.IsNull && await redis.ExecuteAsync(db => db.StringGetAsync((string)fence!)) == "applied" &&
                await SettleHoldAsync(s, changeId!, release: true) > 0)
            {
                view.MarkDirty(s);
            }
        }
    }

    // A change announced it applied: settle its hold now (the fence decides, as for an abandoned hold). Every node hears
    // it and the first to run the settle does it; the others find the hold gone.
    private async Task SettleAnnouncedAsync(string changeId)
    {
        var s = ShardOfChange(changeId);
        var shard = shards[s];
        var fence = await redis.ExecuteAsync(db => db.HashGetAsync(shard.HoldKey(changeId), "fence"));
        if (fence.IsNull)
        {
            return;
        }

        var applied = (string?)await redis.ScriptAsync(RedisCustomerStore.SettleScript, [(string)fence!], [(long)RedisCustomerStore.ChangeMemory.TotalMilliseconds]) == "applied";
        if (await SettleHoldAsync(s, changeId, applied) > 0 && applied)
        {
            view.MarkDirty(s);
        }
    }

    // A new hold was announced. Its change is normally still to come (its own announcement settles it), but a change sent
    // in the same pipeline may have run first on another node (Cluster) and announced to nobody's benefit: a plain read of
    // the fence, never the deciding settle, which would drop a change about to apply. Undecided: left to the change's
    // announcement, or to the hold's time.
    private async Task SettleHeldIfDecidedAsync(string changeId)
    {
        var s = ShardOfChange(changeId);
        var fence = await redis.ExecuteAsync(db => db.HashGetAsync(shards[s].HoldKey(changeId), "fence"));
        if (fence.IsNull)
        {
            return;
        }

        var outcome = (string?)await redis.ExecuteAsync(db => db.StringGetAsync((string)fence!));
        if (outcome is "applied" or "dropped" && await SettleHoldAsync(s, changeId, outcome == "applied") > 0 && outcome == "applied")
        {
            view.MarkDirty(s);
        }
    }

    private async Task<long> SettleHoldAsync(int s, string changeId, bool release)
    {
        var shard = shards[s];
        var result = (RedisResult[])(await redis.ScriptAsync(
            RedisOutboxScripts.SettleHold,
            [shard.Pending, shard.Leases, shard.Held, shard.HeldCount, shard.HoldKey(changeId)],
            [channelName, s, changeId, shard.MessagePrefix, release ? "1" : "0"]))!;
        Apply(s, result, 0);
        return (long)result[3];
    }

    // A script on one shard's keys, plus the message's own key when it works on one message (whose id is then its
    // first argument).
    private async Task<RedisResult[]> RunAsync(int s, string script, string? messageId, params RedisValue[] arguments)
    {
        var shard = shards[s];
        var keys = new RedisKey[messageId is null ? 4 : 5];
        var values = new RedisValue[(messageId is null ? 2 : 3) + arguments.Length];
        shard.Fill(keys, values, channelName);
        if (messageId is not null)
        {
            keys[4] = shard.MessageKey(messageId);
            values[2] = messageId;
        }

        arguments.CopyTo(values, values.Length - arguments.Length);
        return (RedisResult[])(await redis.ScriptAsync(script, keys, values))!;
    }

    private void Apply(int s, RedisResult[] result, int offset) =>
        view.Update(s, (long)result[offset], (long)result[offset + 1], (long)result[offset + 2]);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private byte[] Seal(Notification notification, string id)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(notification, RedisNotificationJsonContext.Default.Notification);
        try
        {
            return box.Protect(json, Associated(id));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    private static byte[] Associated(string id) => Encoding.ASCII.GetBytes("notification:" + id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Messages held for a credential change whose node did not settle them were {Outcome}")]
    private partial void LogHoldSettled(string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "A queued notification could not be decrypted (tampered with, or sealed under another Secrets:CodeKey); dropped")]
    private partial void LogUnreadable();

    /// <summary>The keys of one shard, under its own hash tag; the fixed ones built once, not on every script.</summary>
    private sealed class Shard
    {
        private readonly RedisConnection redis;
        private readonly int number;
        private readonly string tag;

        public Shard(RedisConnection redis, int number)
        {
            this.redis = redis;
            this.number = number;

            // Shard 0 keeps the tag of the single-slot outbox: what an older version queued is read after an upgrade.
            tag = number == 0 ? "outbox" : "outbox:" + number.ToString(CultureInfo.InvariantCulture);
            Pending = redis.Key(tag, "pending");
            Leases = redis.Key(tag, "leases");
            Held = redis.Key(tag, "held");
            HeldCount = redis.Key(tag, "heldn");
            MessagePrefix = redis.Key(tag, "m:").ToString();
            ScratchList = redis.Key(tag, "scratch:ids");
            ScratchHash = redis.Key(tag, "scratch:m");
        }

        public RedisKey Pending { get; }

        public RedisKey Leases { get; }

        public RedisKey Held { get; }

        public RedisKey HeldCount { get; }

        public string MessagePrefix { get; }

        /// <summary>Where a decoy's id and payload are written, and deleted, within its enqueue script.</summary>
        public RedisKey ScratchList { get; }

        /// <inheritdoc cref="ScratchList"/>
        public RedisKey ScratchHash { get; }

        public RedisKey MessageKey(string id) => MessagePrefix + id;

        public RedisKey HoldKey(string changeId) => redis.Key(tag, "h:" + changeId);

        /// <summary>The four keys and two arguments every outbox script starts with.</summary>
        public void Fill(RedisKey[] keys, RedisValue[] values, string channel)
        {
            keys[0] = Pending;
            keys[1] = Leases;
            keys[2] = Held;
            keys[3] = HeldCount;
            values[0] = channel;
            values[1] = number;
        }
    }
}
