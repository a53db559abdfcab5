using Recovery.AuthServer.Otp;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// Authenticators on Redis, both keys under the customer's tag so one script can move a pending
/// enrolment to confirmed on Cluster: <c>{prefix}{c:&lt;customerId&gt;}:authenticator:pending</c>
/// (with a TTL) and <c>…:authenticator</c> (durable, a credential). The TOTP secret is stored only as
/// its AES-GCM ciphertext.
/// </summary>
public sealed class RedisAuthenticatorStore(RedisConnection redis, TimeProvider time) : IAuthenticatorStore
{
    /// <summary>A lapsed pending enrolment is already invisible; the TTL margin only collects it.</summary>
    internal static readonly TimeSpan PendingMargin = TimeSpan.FromMinutes(10);

    private static readonly RedisValue[] Fields = ["id", "sec", "cat", "exp", "f", "step"];

    // KEYS: pending, credentials (the customer's, same slot). ARGV: id, ciphertext, created (µs), expiry (µs, or
    // empty), failures, last used step, TTL (ms), cooldown (µs), required credentials version (or empty).
    // Returns '' when saved, 'stale' when the credentials are gone or at another version (a session that a recovery or a
    // password change ended; the version is only ever raised, and 'ver' absent is version 0 as RedisCustomerStore reads
    // it), else when a new enrolment may be saved (µs): an earlier pending one, still valid, created less than the
    // cooldown ago, stays.
    private const string SavePendingScript = """
        if ARGV[9] ~= '' then
          if redis.call('EXISTS', KEYS[2]) == 0 or tonumber(redis.call('HGET', KEYS[2], 'ver') or '0') ~= tonumber(ARGV[9]) then
            return 'stale'
          end
        end
        local p = redis.call('HMGET', KEYS[1], 'cat', 'exp')
        local now = tonumber(ARGV[3])
        local cat, exp = tonumber(p[1]), tonumber(p[2])
        if cat and exp and now < exp and cat + tonumber(ARGV[8]) > now then
          return string.format('%.0f', cat + tonumber(ARGV[8]))
        end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'id', ARGV[1], 'sec', ARGV[2], 'cat', ARGV[3], 'exp', ARGV[4], 'f', ARGV[5], 'step', ARGV[6])
        redis.call('PEXPIRE', KEYS[1], ARGV[7])
        return ''
        """;

    // KEYS: pending, confirmed. ARGV: enrolment id, matched step (or empty), max failures, now (µs).
    // Returns {status, attempts remaining, just closed (1/0)}.
    private const string ConfirmScript = """
        local p = redis.call('HMGET', KEYS[1], 'id', 'exp', 'f')
        local exp = tonumber(p[2])
        if p[1] ~= ARGV[1] or not exp or not (tonumber(ARGV[4]) < exp) then return {'NotFound', 0, 0} end
        if ARGV[2] ~= '' then
          -- The enrolment becomes the authenticator, replacing any earlier one, with the proving step used.
          redis.call('RENAME', KEYS[1], KEYS[2])
          redis.call('PERSIST', KEYS[2])
          redis.call('HDEL', KEYS[2], 'exp')
          redis.call('HSET', KEYS[2], 'f', 0, 'step', ARGV[2])
          return {'Verified', 0, 0}
        end
        local f = tonumber(p[3]) + 1
        local max = tonumber(ARGV[3])
        if f >= max then
          redis.call('DEL', KEYS[1])
          return {'Closed', 0, 1}
        end
        redis.call('HSET', KEYS[1], 'f', f)
        return {'Incorrect', max - f, 0}
        """;

    // ARGV: authenticator id, time step. A replay or an earlier step changes nothing.
    private const string UseStepScript = """
        local c = redis.call('HMGET', KEYS[1], 'id', 'step')
        if c[1] ~= ARGV[1] then return 0 end
        if tonumber(ARGV[2]) <= tonumber(c[2]) then return 0 end
        redis.call('HSET', KEYS[1], 'step', ARGV[2])
        return 1
        """;

    public async Task<PendingSave> SavePendingAsync(Authenticator pending, TimeSpan cooldown, long? credentialVersion, CancellationToken cancellationToken)
    {
        var ttl = RedisTime.TtlMilliseconds(pending.ExpiresAt ?? time.GetUtcNow(), time.GetUtcNow(), PendingMargin);
        var result = (string?)await redis.ScriptAsync(SavePendingScript, [PendingKey(pending.CustomerId), CredentialsKey(pending.CustomerId)],
        [
            pending.Id,
            pending.ProtectedSecret,
            RedisTime.ToMicros(pending.CreatedAt),
            pending.ExpiresAt is { } e ? RedisTime.ToMicros(e) : string.Empty,
            pending.Failures,
            pending.LastUsedStep,
            ttl,
            (long)(cooldown.Ticks / TimeSpan.TicksPerMicrosecond),
            credentialVersion is { } v ? v : string.Empty,
        ]);
        return result switch
        {
            null or "" => new PendingSave(PendingSaveStatus.Saved),
            "stale" => new PendingSave(PendingSaveStatus.StaleCredentials),
            _ => new PendingSave(PendingSaveStatus.TooSoon, RedisTime.FromMicros(long.Parse(result, System.Globalization.CultureInfo.InvariantCulture))),
        };
    }

    public async Task<Authenticator?> GetPendingAsync(string customerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var values = await redis.ExecuteAsync(db => db.HashGetAsync(PendingKey(customerId), Fields));
        return Read(customerId, values) is { ExpiresAt: { } e } p && now < e ? p : null;
    }

    public async Task<Authenticator?> GetConfirmedAsync(string customerId, CancellationToken cancellationToken) =>
        Read(customerId, await redis.ExecuteAsync(db => db.HashGetAsync(ConfirmedKey(customerId), Fields)));

    public async Task<VerifyResult> ConfirmAsync(string customerId, string enrollmentId, long? matchedStep, int maxFailures, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var r = (RedisResult[])(await redis.ScriptAsync(ConfirmScript, [PendingKey(customerId), ConfirmedKey(customerId)],
        [
            enrollmentId,
            matchedStep is { } s ? s : string.Empty,
            maxFailures,
            RedisTime.ToMicros(now),
        ]))!;
        return new VerifyResult(Enum.Parse<VerifyStatus>((string)r[0]!), (int)r[1], (int)r[2] == 1);
    }

    public async Task<bool> TryUseStepAsync(string customerId, string authenticatorId, long timeStep, CancellationToken cancellationToken) =>
        (long)await redis.ScriptAsync(UseStepScript, [ConfirmedKey(customerId)], [authenticatorId, timeStep]) == 1;

    private RedisKey PendingKey(string customerId) => redis.Key("c:" + customerId, "authenticator:pending");

    private RedisKey ConfirmedKey(string customerId) => redis.Key("c:" + customerId, "authenticator");

    private RedisKey CredentialsKey(string customerId) => RedisCustomerStore.CredentialsKey(redis, customerId);

    private static Authenticator? Read(string customerId, RedisValue[] v) =>
        v[0].IsNull
            ? null
            : new Authenticator
            {
                Id = (string)v[0]!,
                CustomerId = customerId,
                ProtectedSecret = (byte[])v[1]!,
                CreatedAt = RedisTime.FromMicros((long)v[2]),
                ExpiresAt = v[3].IsNullOrEmpty ? null : RedisTime.FromMicros((long)v[3]),
                Failures = (int)v[4],
                LastUsedStep = (long)v[5],
            };
}
