using System.Globalization;
using Recovery.AuthServer.Sessions;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// Change tickets and sessions on Redis, both ephemeral. Expiry is judged from the <c>now</c> the caller
/// passes; the TTL (logical expiry plus <see cref="RedisRecoveryStore.TtlMargin"/>) only collects the garbage.
/// <list type="bullet">
/// <item><c>{t:tokenHash}:ticket</c> — hash: <c>cid</c>, <c>last</c>, <c>idle</c>, <c>abs</c> (ms), <c>ver</c> (credentials version at issue)</item>
/// <item><c>{s:tokenHash}:session</c> — hash: <c>cid</c>, <c>expires</c> (ms), <c>ver</c></item>
/// </list>
/// </summary>
public sealed class RedisSessionStore(RedisConnection redis, TimeProvider time) : ISessionStore
{
    // ARGV: TTL (ms), then field/value pairs. Replaces whatever was there, as the in-memory store does.
    private const string PutScript = """
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], unpack(ARGV, 2))
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    // ARGV: now, margin (ms). Mirrors SessionRules.Touch (with SessionRules.TicketExpiresAt): ended at
    // min(last + idle, abs), inclusive; otherwise the idle timer restarts and the TTL moves with it, in one step.
    private const string TouchScript = """
        local t = redis.call('HMGET', KEYS[1], 'cid', 'last', 'idle', 'abs', 'ver')
        if not t[1] then return false end
        local now, idle, abs = tonumber(ARGV[1]), tonumber(t[3]), tonumber(t[4])
        if now >= math.min(tonumber(t[2]) + idle, abs) then
          redis.call('DEL', KEYS[1])
          return false
        end
        redis.call('HSET', KEYS[1], 'last', ARGV[1])
        redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.max(0, math.min(now + idle, abs) - now) + tonumber(ARGV[2])))
        return {t[1], t[3], t[4], t[5] or '-1'}
        """;

    public Task CreateTicketAsync(ChangeTicket ticket, CancellationToken cancellationToken) =>
        redis.ScriptAsync(
            PutScript,
            [TicketKey(ticket.TokenHash)],
            [
                Ttl(ticket.ExpiresAt), "cid", ticket.CustomerId, "last", ticket.LastUsedAt.ToUnixTimeMilliseconds(),
                "idle", Ms(ticket.IdleTimeout), "abs", ticket.AbsoluteExpiresAt.ToUnixTimeMilliseconds(), "ver", ticket.CredentialVersion,
            ]);

    public async Task<ChangeTicket?> TouchTicketAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await redis.ScriptAsync(TouchScript, [TicketKey(tokenHash)], [now.ToUnixTimeMilliseconds(), Ms(RedisRecoveryStore.TtlMargin)]);
        if (result.IsNull)
        {
            return null;
        }

        var values = (RedisResult[])result!;
        return new ChangeTicket
        {
            TokenHash = tokenHash,
            CustomerId = (string)values[0]!,
            LastUsedAt = now,
            IdleTimeout = TimeSpan.FromMilliseconds((long)values[1]),
            AbsoluteExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds((long)values[2]),
            CredentialVersion = long.Parse((string)values[3]!, CultureInfo.InvariantCulture),
        };
    }

    public Task RevokeTicketAsync(string tokenHash, CancellationToken cancellationToken) =>
        redis.ExecuteAsync(db => db.KeyDeleteAsync(TicketKey(tokenHash)));

    public Task CreateSessionAsync(SessionRecord session, CancellationToken cancellationToken) =>
        redis.ScriptAsync(
            PutScript,
            [SessionKey(session.TokenHash)],
            [Ttl(session.ExpiresAt), "cid", session.CustomerId, "expires", session.ExpiresAt.ToUnixTimeMilliseconds(), "ver", session.CredentialVersion]);

    public Task RevokeSessionAsync(string tokenHash, CancellationToken cancellationToken) =>
        redis.ExecuteAsync(db => db.KeyDeleteAsync(SessionKey(tokenHash)));

    public async Task<SessionRecord?> GetSessionAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var values = await redis.ExecuteAsync(db => db.HashGetAsync(SessionKey(tokenHash), ["cid", "expires", "ver"]));
        if (values[0].IsNull || values[1].IsNull)
        {
            return null;
        }

        // A session written before versions were recorded matches no version, so it ends (re-login).
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string)values[1]!, CultureInfo.InvariantCulture));
        var version = values[2].IsNull ? -1 : long.Parse((string)values[2]!, CultureInfo.InvariantCulture);
        var session = new SessionRecord(tokenHash, (string)values[0]!, expiresAt) { CredentialVersion = version };
        return SessionRules.IsLive(session, now) ? session : null;
    }

    // Relative to the store's clock: with a fake clock the TTL still spans the logical lifetime.
    private long Ttl(DateTimeOffset expiresAt)
    {
        var remaining = expiresAt - time.GetUtcNow();
        return Ms((remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) + RedisRecoveryStore.TtlMargin);
    }

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;

    private RedisKey TicketKey(string tokenHash) => redis.Key("t:" + tokenHash, "ticket");

    private RedisKey SessionKey(string tokenHash) => redis.Key("s:" + tokenHash, "session");
}
