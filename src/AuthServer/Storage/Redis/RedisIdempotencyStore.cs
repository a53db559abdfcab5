using Recovery.AuthServer.Idempotency;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// Idempotency markers on Redis, one key per scope: <c>{i:scopeHash}:idem</c> — hash: <c>req</c> (keyed
/// hash of the request), <c>exp</c> (ms), and <c>resp</c> (the serialized response) once completed, with <c>cond</c> when it
/// was stored under a condition (<see cref="IIdempotencyConditionCheck"/>: names an operation, never a secret).
/// Expiry is judged from the <c>now</c> the caller passes; the key's TTL is the same lifetime and collects it.
/// The scope hash is an HMAC of method, channel and client key, so nothing the client chose appears in a key.
/// </summary>
public sealed class RedisIdempotencyStore(RedisConnection redis) : IIdempotencyStore
{
    // ARGV: request hash, now, expiry (ms), TTL (ms). SET NX in spirit, but an expired marker is replaced
    // too, and the answer carries what an existing marker holds: 0 new, 1 in progress, 2 completed (+ response and its
    // condition, '' for none), 3 mismatch.
    private const string BeginScript = """
        local cur = redis.call('HMGET', KEYS[1], 'req', 'exp', 'resp', 'cond')
        if cur[1] and tonumber(cur[2]) > tonumber(ARGV[2]) then
          if cur[1] ~= ARGV[1] then return {3} end
          if cur[3] then return {2, cur[3], cur[4] or ''} end
          return {1}
        end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'req', ARGV[1], 'exp', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return {0}
        """;

    // ARGV: response, now, expiry (ms), TTL (ms), condition ('' for none). Only a live marker: one that expired may belong
    // to a newer call by now.
    private const string CompleteScript = """
        local e = redis.call('HGET', KEYS[1], 'exp')
        if not e or tonumber(e) <= tonumber(ARGV[2]) then return 0 end
        if ARGV[5] == '' then redis.call('HDEL', KEYS[1], 'cond') else redis.call('HSET', KEYS[1], 'cond', ARGV[5]) end
        redis.call('HSET', KEYS[1], 'resp', ARGV[1], 'exp', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    public async Task<IdempotencyBegin> TryBeginAsync(string scopeHash, string requestHash, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await redis.ScriptAsync(
            BeginScript,
            [Key(scopeHash)],
            [requestHash, now.ToUnixTimeMilliseconds(), (now + ttl).ToUnixTimeMilliseconds(), Ms(ttl)]))!;
        return (long)result[0] switch
        {
            0 => IdempotencyBegin.New,
            1 => IdempotencyBegin.InProgress,
            2 => IdempotencyBegin.Completed((byte[]?)result[1] ?? [], result.Length > 2 && (string?)result[2] is { Length: > 0 } condition ? condition : null),
            3 => IdempotencyBegin.Mismatch,
            var other => throw new InvalidOperationException($"Unexpected idempotency script answer {other}."),
        };
    }

    public Task CompleteAsync(string scopeHash, byte[] response, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken, string? condition = null) =>
        redis.ScriptAsync(
            CompleteScript,
            [Key(scopeHash)],
            [response, now.ToUnixTimeMilliseconds(), (now + ttl).ToUnixTimeMilliseconds(), Ms(ttl), condition ?? ""]);

    public Task AbandonAsync(string scopeHash, CancellationToken cancellationToken) =>
        redis.ExecuteAsync(db => db.KeyDeleteAsync(Key(scopeHash)));

    private static long Ms(TimeSpan span) => Math.Max(1, (long)span.TotalMilliseconds);

    private RedisKey Key(string scopeHash) => redis.Key("i:" + scopeHash, "idem");
}
