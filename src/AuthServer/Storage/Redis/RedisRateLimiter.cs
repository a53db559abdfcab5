using Recovery.AuthServer.RateLimiting;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// GCRA buckets on Redis (the same arithmetic as <see cref="Gcra"/>, in microseconds): one string per
/// bucket at <c>{prefix}{rl}:&lt;bucket&gt;</c> holding its theoretical arrival time, expiring once it
/// has passed (an absent bucket and a passed one mean the same).
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
    private const string AcquireScript = """
        local now = tonumber(ARGV[1])
        local tats = {}
        for i = 1, #KEYS do
          local interval = tonumber(ARGV[2 * i])
          local period = tonumber(ARGV[2 * i + 1])
          local tat = tonumber(redis.call('GET', KEYS[i])) or now
          if tat < now then tat = now end
          local newTat = tat + interval
          local allowAt = newTat - period
          if allowAt > now then return {0, allowAt - now, i} end
          tats[i] = newTat
        end
        for i = 1, #KEYS do
          -- %.0f writes the integer in full; Lua's default number format would round it to 14 digits.
          redis.call('SET', KEYS[i], string.format('%.0f', tats[i]), 'PX', math.ceil((tats[i] - now) / 1000) + 1000)
        end
        return {1}
        """;

    public async Task<RateLimitDecision> TryAcquireAsync(IReadOnlyList<RateLimitKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return new RateLimitDecision(true, TimeSpan.Zero);
        }

        var redisKeys = new RedisKey[keys.Count];
        var values = new RedisValue[1 + (2 * keys.Count)];
        values[0] = RedisTime.ToMicros(now);
        for (var i = 0; i < keys.Count; i++)
        {
            var rule = keys[i].Rule;
            redisKeys[i] = redis.Key("rl", keys[i].Key);
            values[1 + (2 * i)] = rule.Period.Ticks / rule.Limit / TimeSpan.TicksPerMicrosecond;
            values[2 + (2 * i)] = rule.Period.Ticks / TimeSpan.TicksPerMicrosecond;
        }

        var r = (RedisResult[])(await redis.ScriptAsync(AcquireScript, redisKeys, values))!;
        return (long)r[0] == 1
            ? new RateLimitDecision(true, TimeSpan.Zero)
            : new RateLimitDecision(false, TimeSpan.FromMicroseconds((long)r[1]), keys[(int)r[2] - 1].Key);
    }
}
