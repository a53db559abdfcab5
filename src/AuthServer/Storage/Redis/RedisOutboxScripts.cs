namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// The Lua scripts of <see cref="RedisNotificationOutbox"/>. Every script works on one shard and takes its keys first:
/// KEYS[1] pending (list), KEYS[2] leases (sorted set), KEYS[3] held (sorted set), KEYS[4] heldn (counter), then its
/// own; ARGV[1] is the announce channel and ARGV[2] the shard number, then its own arguments. Each returns the shard's
/// state first (<c>backlog, pending, deadline</c>), and a script that changed the shard also publishes that state on
/// the channel (the enqueue only when a reader would act on it, <see cref="Enqueue"/>): this is what wakes the readers
/// of every node, instead of a timer.
/// </summary>
internal static class RedisOutboxScripts
{
    // The shard's state: backlog (pending + leased + held: everything delivery is behind by or has reserved room for),
    // pending (worth a dequeue), deadline (the earliest lease end or hold settle time, Unix ms, '-1' for none).
    // Published when announce is true: "<shard> <backlog> <pending> <deadline>".
    private const string State = """
        local function state(announce)
          local pending = redis.call('LLEN', KEYS[1])
          local backlog = pending + redis.call('ZCARD', KEYS[2]) + tonumber(redis.call('GET', KEYS[4]) or '0')
          local deadline = '-1'
          local l = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
          if #l > 0 then deadline = l[2] end
          local h = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
          if #h > 0 and (deadline == '-1' or tonumber(h[2]) < tonumber(deadline)) then deadline = h[2] end
          if announce then redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. backlog .. ' ' .. pending .. ' ' .. deadline) end
          return {backlog, pending, deadline}
        end

        """;

    /// <summary>Reads and returns the shard's state; changes and publishes nothing.</summary>
    public const string Read = State + "return state(false)";

    /// <summary>
    /// All or none, refused beyond ARGV[3] (the shard's capacity, or no bound for a committed change's messages).
    /// KEYS[5] the shard's scratch list and KEYS[6] its scratch hash; KEYS[7..] the messages' hashes, where a decoy names
    /// the scratch hash instead of a hash of its own. ARGV[4] the shard's capacity, ARGV[5] a channel nobody subscribes
    /// to, ARGV[6..] the ids then the sealed payloads. Returns <c>ok, backlog, pending, deadline</c>.
    /// <para>
    /// A decoy (a message enqueued only so that an unknown card costs what a known one does) takes the same room check
    /// and the same writes, of the same sizes, as a message: its payload into the scratch hash, its id onto the scratch
    /// list. Both scratch keys are then deleted, on every enqueue, a message's too (where they do not exist): one
    /// script, one round trip and the same commands whatever the card (DecoyWorkTests compares redis-server's command
    /// counts, RedisRoundTripTests the trips), but a decoy leaves nothing behind: no backlog, nothing for a dispatcher
    /// to take, decrypt and drop. Refused alike: the room check comes first and does not look at what is enqueued.
    /// </para>
    /// <para>
    /// The shard's state is read once, before the writes; the state after is that plus what was stored (an enqueue
    /// moves no lease and no hold, so not the deadline). It is published on every enqueue, so that the commands are
    /// the same whatever was enqueued and whatever the shard held, but on the announce channel only when a reader would
    /// act on it: messages were stored and the shard had nothing pending (a reader may have found it empty and gone to
    /// sleep: it must be woken), or the shard is at least half full (the other nodes' room checks must see it filling).
    /// Otherwise it goes to ARGV[5], which wakes nobody: into a shard with messages pending every reader has been told
    /// so (by the announcement that made it non-empty), and every take reports what is left, so the reader that takes
    /// one comes back for the next; and a decoy changed nothing. Every other script announces whenever it changes the
    /// shard.
    /// </para>
    /// </summary>
    public const string Enqueue = State + """
        local n = #KEYS - 6
        local bound, capacity = tonumber(ARGV[3]), tonumber(ARGV[4])
        local s = state(false)
        local backlog, pending, deadline = s[1], s[2], s[3]
        if backlog + n > bound then return {0, backlog, pending, deadline} end
        local stored = 0
        for i = 1, n do
          local m = KEYS[6 + i]
          -- Strings, not Lua numbers: a number argument costs redis a float formatting.
          redis.call('HSET', m, 'p', ARGV[5 + n + i], 'c', '0')
          if m == KEYS[6] then
            redis.call('RPUSH', KEYS[5], ARGV[5 + i])
          else
            redis.call('RPUSH', KEYS[1], ARGV[5 + i])
            stored = stored + 1
          end
        end
        redis.call('DEL', KEYS[5], KEYS[6])
        local channel = ARGV[5]
        if stored > 0 and (pending == 0 or 2 * (backlog + stored) >= capacity) then channel = ARGV[1] end
        backlog, pending = backlog + stored, pending + stored
        redis.call('PUBLISH', channel, string.format('%s %d %d %s', ARGV[2], backlog, pending, deadline))
        return {1, backlog, pending, deadline}
        """;

    /// <summary>
    /// Takes the next message: one whose lease ran out (its taker died or stalled) first, as it is the oldest.
    /// ARGV[3] now, ARGV[4] the lease end, ARGV[5] the shard's message key prefix. Returns the state, then (if one
    /// was taken) its id, sealed payload and times taken; an empty id for a message whose hash is gone.
    /// </summary>
    public const string Dequeue = State + """
        local id
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3], 'LIMIT', 0, 1)
        if #expired > 0 then id = expired[1] else id = redis.call('LPOP', KEYS[1]) end
        if not id then return state(false) end
        local m = ARGV[5] .. id
        local payload = redis.call('HGET', m, 'p')
        if not payload then
          redis.call('ZREM', KEYS[2], id)
          local s = state(true)
          return {s[1], s[2], s[3], ''}
        end
        redis.call('ZADD', KEYS[2], ARGV[4], id)
        local taken = redis.call('HINCRBY', m, 'c', 1)
        local s = state(true)
        return {s[1], s[2], s[3], id, payload, taken}
        """;

    /// <summary>Delivered or given up: the lease and the message go. KEYS[5] the message; ARGV[3] its id.</summary>
    public const string Acknowledge = State + """
        redis.call('ZREM', KEYS[2], ARGV[3])
        redis.call('DEL', KEYS[5])
        return state(true)
        """;

    /// <summary>
    /// Back to the head of the queue, only if still leased: if the lease ran out and another node took it, that node
    /// owns it now. KEYS[5] the message; ARGV[3] its id. Returns the state then 1 if put back.
    /// </summary>
    public const string Retry = State + """
        if redis.call('ZREM', KEYS[2], ARGV[3]) == 1 then
          redis.call('HINCRBY', KEYS[5], 'c', -1)
          redis.call('LPUSH', KEYS[1], ARGV[3])
          local s = state(true)
          return {s[1], s[2], s[3], 1}
        end
        local s = state(false)
        return {s[1], s[2], s[3], 0}
        """;

    /// <summary>
    /// Still leased by this node: the lease now ends when the delay does (ARGV[4]), so the dequeue script hands it out
    /// again then (to any node: the published deadline wakes them), and the take does not count as an attempt.
    /// KEYS[5] the message; ARGV[3] its id.
    /// </summary>
    public const string Defer = State + """
        if redis.call('ZSCORE', KEYS[2], ARGV[3]) then
          redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
          redis.call('HINCRBY', KEYS[5], 'c', -1)
          local s = state(true)
          return {s[1], s[2], s[3], 1}
        end
        local s = state(false)
        return {s[1], s[2], s[3], 0}
        """;

    /// <summary>
    /// KEYS[5] the change's hold, KEYS[6..] the messages' hashes. ARGV[3] the shard's capacity, ARGV[4] settle-after
    /// (ms), ARGV[5] the change id, ARGV[6] the fence key, ARGV[7] the message ids (space-separated), ARGV[8..] the
    /// sealed payloads. Holding the same change twice keeps the first hold. Returns <c>ok, backlog, pending, deadline</c>.
    /// <para>
    /// A new hold is also announced as <c>held &lt;change id&gt;</c>: a hold sent in one pipeline with its change
    /// (CredentialChanges) goes to another node on Cluster, so the change's own <c>settle</c> announcement may come
    /// first and find no hold; the readers that hear this one read the fence and settle a change already decided.
    /// </para>
    /// </summary>
    public const string Hold = State + """
        if redis.call('EXISTS', KEYS[5]) == 1 then
          local s = state(false)
          return {1, s[1], s[2], s[3]}
        end
        local n = #KEYS - 5
        local s = state(false)
        if s[1] + n > tonumber(ARGV[3]) then return {0, s[1], s[2], s[3]} end
        for i = 1, n do
          redis.call('HSET', KEYS[5 + i], 'p', ARGV[7 + i], 'c', 0)
        end
        redis.call('HSET', KEYS[5], 'ids', ARGV[7], 'fence', ARGV[6])
        redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
        redis.call('INCRBY', KEYS[4], n)
        s = state(true)
        redis.call('PUBLISH', ARGV[1], 'held ' .. ARGV[5])
        return {1, s[1], s[2], s[3]}
        """;

    /// <summary>
    /// KEYS[5] the change's hold. ARGV[3] the change id, ARGV[4] the shard's message key prefix, ARGV[5] '1' to release
    /// or '0' to drop. Whichever comes first (the flow, or a dispatcher settling it) does it; the other finds nothing.
    /// Returns the state then how many messages were settled.
    /// </summary>
    public const string SettleHold = State + """
        local ids = redis.call('HGET', KEYS[5], 'ids')
        local removed = redis.call('ZREM', KEYS[3], ARGV[3])
        if not ids then
          local s = state(removed == 1)
          return {s[1], s[2], s[3], 0}
        end
        local n = 0
        for id in string.gmatch(ids, '%S+') do
          if ARGV[5] == '1' then redis.call('RPUSH', KEYS[1], id) else redis.call('DEL', ARGV[4] .. id) end
          n = n + 1
        end
        redis.call('DEL', KEYS[5])
        redis.call('DECRBY', KEYS[4], n)
        local s = state(true)
        return {s[1], s[2], s[3], n}
        """;
}
