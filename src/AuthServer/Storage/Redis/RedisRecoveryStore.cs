using System.Globalization;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Recovery;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// Recoveries and card blocks on Redis, both ephemeral (TTL). Expiry is judged from the clock the
/// store is given; the TTL (logical expiry plus <see cref="TtlMargin"/>) only collects the garbage.
/// <list type="bullet">
/// <item><c>{r:id}:recovery</c> — hash: <c>cid</c> (absent for a decoy), <c>card</c> and <c>doc</c> (keyed hashes), <c>lang</c>, <c>chan</c>, <c>created</c>, <c>expires</c>, <c>state</c></item>
/// <item><c>{k:cardHash}:block</c> — hash: <c>until</c>, <c>count</c></item>
/// </list>
/// </summary>
public sealed class RedisRecoveryStore(RedisConnection redis, TimeProvider time) : IRecoveryStore
{
    /// <summary>How long a key outlives its logical expiry, so a clock skew between nodes never drops a live record.</summary>
    public static readonly TimeSpan TtlMargin = TimeSpan.FromMinutes(5);

    // ARGV: TTL (ms), then field/value pairs. Refuses to overwrite: a recovery id is a fresh random token.
    private const string CreateScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV, 2))
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    // Changes the state and nothing else, the TTL included.
    private const string SetStateScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], 'state', ARGV[1])
        return 1
        """;

    // ARGV: now, first block, max block, retention, at least until (0: none) (ms). Mirrors RecoveryBlock.Escalate
    // through the shared escalate() of RedisBlockEscalation. The count outlives the block by the retention
    // (RecoveryBlock.CountRetention), so a card blocked again soon after gets a longer block.
    private const string BlockCardScript = $"""
        {RedisBlockEscalation.Lua}
        local now = tonumber(ARGV[1])
        local untilNumber, count = escalate(tonumber(redis.call('HGET', KEYS[1], 'count') or '0'), now, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5]))
        local untilMs = string.format('%.0f', untilNumber)
        redis.call('HSET', KEYS[1], 'until', untilMs, 'count', count)
        redis.call('PEXPIRE', KEYS[1], string.format('%.0f', untilNumber - now + tonumber(ARGV[4])))
        return untilMs
        """;

    public async Task CreateAsync(RecoveryRecord recovery, CancellationToken cancellationToken)
    {
        List<RedisValue> args =
        [
            Ttl(recovery.ExpiresAt - time.GetUtcNow()),
            "card", recovery.CardHash, "lang", recovery.Language, "chan", recovery.Channel,
            "created", recovery.CreatedAt.ToUnixTimeMilliseconds(), "expires", recovery.ExpiresAt.ToUnixTimeMilliseconds(),
            "state", recovery.State.ToString(),
        ];
        if (recovery.CustomerId is not null)
        {
            args.AddRange(["cid", recovery.CustomerId]);
        }

        if (recovery.DocumentHash is not null)
        {
            args.AddRange(["doc", recovery.DocumentHash]);
        }

        if ((int)await redis.ScriptAsync(CreateScript, [RecoveryKey(recovery.Id)], [.. args]) == 0)
        {
            throw new InvalidOperationException("Recovery id collision.");
        }
    }

    public async Task<RecoveryRecord?> GetAsync(string recoveryId, CancellationToken cancellationToken)
    {
        var entries = await redis.ExecuteAsync(db => db.HashGetAllAsync(RecoveryKey(recoveryId)));
        if (entries.Length == 0)
        {
            return null;
        }

        var hash = entries.ToStringDictionary();
        var recovery = new RecoveryRecord
        {
            Id = recoveryId,
            CustomerId = hash.GetValueOrDefault("cid"),
            CardHash = hash["card"],
            DocumentHash = hash.GetValueOrDefault("doc"),
            Language = hash["lang"],
            Channel = hash["chan"],
            CreatedAt = Time(hash["created"]),
            ExpiresAt = Time(hash["expires"]),
            State = Enum.Parse<RecoveryState>(hash["state"]),
        };
        return recovery.ExpiresAt > time.GetUtcNow() ? recovery : null;
    }

    public async Task SetStateAsync(string recoveryId, RecoveryState state, CancellationToken cancellationToken)
    {
        if ((int)await redis.ScriptAsync(SetStateScript, [RecoveryKey(recoveryId)], [state.ToString()]) == 0)
        {
            throw new InvalidOperationException("Unknown recovery.");
        }
    }

    public async Task<DateTimeOffset> BlockCardAsync(string cardHash, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, CancellationToken cancellationToken, DateTimeOffset? atLeastUntil = null)
    {
        var until = await redis.ScriptAsync(
            BlockCardScript,
            [BlockKey(cardHash)],
            [now.ToUnixTimeMilliseconds(), Ms(firstBlock), Ms(maxBlock), Ms(RecoveryBlock.CountRetention(maxBlock)), atLeastUntil?.ToUnixTimeMilliseconds() ?? 0]);
        return Time((string)until!);
    }

    public async Task<DateTimeOffset?> GetCardBlockAsync(string cardHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var until = await redis.ExecuteAsync(db => db.HashGetAsync(BlockKey(cardHash), "until"));
        return until.IsNull || Time((string)until!) <= now ? null : Time((string)until!);
    }

    private static long Ttl(TimeSpan remaining) => Ms((remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) + TtlMargin);

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;

    private static DateTimeOffset Time(string unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(unixMs, CultureInfo.InvariantCulture));

    private RedisKey RecoveryKey(string recoveryId) => redis.Key("r:" + recoveryId, "recovery");

    private RedisKey BlockKey(string cardHash) => redis.Key("k:" + cardHash, "block");
}
