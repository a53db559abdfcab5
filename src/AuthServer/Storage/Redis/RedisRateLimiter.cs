using Recovery.AuthServer.RateLimiting;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// GCRA buckets on Redis: one string per bucket at <c>{prefix}{rl}:&lt;bucket&gt;</c> holding its
/// theoretical arrival time (µs), expiring once it has passed (an absent bucket and a passed one mean the
/// same). The script is <see cref="Gcra.Acquire"/> in Lua, step for step; the rule's interval and period
/// come from <see cref="Gcra.IntervalMicros"/> and <see cref="Gcra.PeriodMicros"/>, so the arithmetic on
/// the rule has one home. <c>GcraCases</c> runs the same table on the function, this limiter and the
/// in-memory one.
/// </summary>
/// <remarks>
/// Every bucket shares the one tag <c>{rl}</c>, so all buckets of a call sit in one Cluster slot and
/// one script can check them all and take from all or none. That trades Cluster spread (all limits
/// live on one shard) for all-or-nothing: with per-bucket tags a refusal by one limit could not undo
/// the units already taken from the others. Bucket names hold no secret in clear: cards and
/// documents are keyed hashes; the channel and client address are not secrets.
/// </remarks>
public sealed class RedisRateLimiter(RedisConnection redis) : IRateLimiter
{
    // ARGV: now (µs), then per bucket its emission interval and period (µs).
    // Returns {1} when every bucket allowed it, else {0, retry after (µs), index of the refusing bucket (1-based)}.
    // Mirrors Gcra.Acquire: change one, change the other (GcraCases fails on a drift).
    private const string AcquireScript = """
        local now = tonumber(ARGV[1])
        -- Every bucket's arrival time in one read: each redis.call costs redis-server a command of its own.
        local stored = redis.call('MGET', unpack(KEYS))
        local tats = {}
        for i = 1, #KEYS do
          local interval = tonumber(ARGV[2 * i])
          local period = tonumber(ARGV[2 * i + 1])
          -- Gcra.Acquire: a bucket whose arrival time has passed (or is absent) is as good as empty.
          local tat = tonumber(stored[i]) or now
          if tat < now then tat = now end
          local newTat = tat + interval
          local allowAt = newTat - period
          -- Gcra.Acquire: the first bucket that refuses decides, and nothing is taken from any bucket.
          if allowAt > now then return {0, allowAt - now, i} end
          tats[i] = newTat
        end
        -- Gcra.Acquire allowed: every bucket stores its new arrival time. The expiry is garbage collection only.
        for i = 1, #KEYS do
          -- %d writes the integer in full (Lua's default number format would round it to 14 digits), and as an
          -- integer: a float format (%.0f, or redis's own for a number argument) costs several times more.
          redis.call('SET', KEYS[i], string.format('%d', tats[i]), 'PX', string.format('%d', math.ceil((tats[i] - now) / 1000) + 1000))
        end
        return {1}
        """;

    // ARGV: now (µs), then per bucket its emission interval (µs). Returns nothing.
    // Mirrors Gcra.Refund: change one, change the other (the refund rows of GcraCases fail on a drift).
    private const string RefundScript = """
        local now = tonumber(ARGV[1])
        for i = 1, #KEYS do
          local tat = tonumber(redis.call('GET', KEYS[i]))
          -- Gcra.Refund: absent or passed, the burst is already whole; nothing to give back or create.
          if tat and tat > now then
            local newTat = tat - tonumber(ARGV[i + 1])
            if newTat > now then
              -- %d writes the integer in full, as in the acquire script; the expiry is garbage collection only.
              redis.call('SET', KEYS[i], string.format('%d', newTat), 'PX', string.format('%d', math.ceil((newTat - now) / 1000) + 1000))
            else
              -- Gcra.Refund: back at or below now the bucket is whole, the same as absent.
              redis.call('DEL', KEYS[i])
            end
          end
        end
        return 0
        """;

    public async Task RefundAsync(IReadOnlyList<RateLimitKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        var redisKeys = new RedisKey[keys.Count];
        var values = new RedisValue[1 + keys.Count];
        values[0] = Gcra.Micros(now);
        for (var i = 0; i < keys.Count; i++)
        {
            // The same {rl} tag as the acquire: one slot, one script, every bucket or none.
            redisKeys[i] = redis.Key("rl", keys[i].Key);
            values[1 + i] = Gcra.IntervalMicros(keys[i].Rule);
        }

        await redis.ScriptAsync(RefundScript, redisKeys, values);
    }

    public async Task<RateLimitDecision> TryAcquireAsync(IReadOnlyList<RateLimitKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return new RateLimitDecision(true, TimeSpan.Zero);
        }

        var redisKeys = new RedisKey[keys.Count];
        var values = new RedisValue[1 + (2 * keys.Count)];
        values[0] = Gcra.Micros(now);
        for (var i = 0; i < keys.Count; i++)
        {
            var rule = keys[i].Rule;
            redisKeys[i] = redis.Key("rl", keys[i].Key);
            values[1 + (2 * i)] = Gcra.IntervalMicros(rule);
            values[2 + (2 * i)] = Gcra.PeriodMicros(rule);
        }

        var r = (RedisResult[])(await redis.ScriptAsync(AcquireScript, redisKeys, values))!;
        return (long)r[0] == 1
            ? new RateLimitDecision(true, TimeSpan.Zero)
            : new RateLimitDecision(false, TimeSpan.FromMicroseconds((long)r[1]), keys[(int)r[2] - 1].Key);
    }
}
