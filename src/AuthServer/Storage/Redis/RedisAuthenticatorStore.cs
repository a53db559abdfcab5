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

    // IAuthenticatorStore.ConfirmAsync, as a Lua function that the SMS-code step composes. step: the matched step, or
    // '' for a wrong app code; max: failures that discard; now (µs). Returns {status, attempts remaining, just closed (1/0)}.
    private const string ConfirmFunction = """
        local function authenticator_confirm(pendingKey, confirmedKey, id, step, max, now)
          local p = redis.call('HMGET', pendingKey, 'id', 'exp', 'f')
          local exp = tonumber(p[2])
          if p[1] ~= id or not exp or not (now < exp) then return {'NotFound', 0, 0} end
          if step ~= '' then
            -- The enrolment becomes the authenticator, replacing any earlier one, with the proving step used.
            redis.call('RENAME', pendingKey, confirmedKey)
            redis.call('PERSIST', confirmedKey)
            redis.call('HDEL', confirmedKey, 'exp')
            redis.call('HSET', confirmedKey, 'f', 0, 'step', step)
            return {'Verified', 0, 0}
          end
          local f = tonumber(p[3]) + 1
          if f >= max then
            redis.call('DEL', pendingKey)
            return {'Closed', 0, 1}
          end
          redis.call('HSET', pendingKey, 'f', f)
          return {'Incorrect', max - f, 0}
        end

        """;

    // KEYS: pending, confirmed. ARGV: enrolment id, matched step (or empty), max failures, now (µs).
    private const string ConfirmScript = ConfirmFunction + """
        return authenticator_confirm(KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))
        """;

    // The SMS-code half of a confirmation (IAuthenticatorStore.ConfirmWithSmsCodeAsync): WrongCodeBudget.TryAsync's take,
    // evaluation and settle, then the confirmation, in one script. Every key is in the customer's slot (the ledger scope
    // and the challenge id carry the customer's tag, the change's fence is RedisCustomerStore.ChangeKey), so on Cluster it
    // is one node's atomic step and the try is never seen pending by another: no busy wait, no pending entry left behind
    // by a node that dies. The e-mail of a confirmation is held in the outbox beside this script (another slot): the
    // script decides the change's fence, 'applied' iff it confirmed, and announces it on the outbox's channel
    // ("settle <change id>", as RedisCustomerStore.RestoreScript does), so that a dispatcher releases or deletes the
    // hold without the caller's round trip.
    // KEYS: pending, confirmed, the ledger scope, the challenge, the change's fence.
    // ARGV: enrolment id, matched step, max enrolment failures, now (µs), presented MAC, max attempts per code, max total
    // failures, window (µs), pending timeout (µs), wrong-code limit, token, fence TTL (ms), channel, change id.
    // Returns {'settled'} (nothing done), {'exhausted', frees at (µs)} or {'tried', status, attempts remaining, just
    // closed, counted, just filled, full until (µs), enrolment status ('' when not tried), its attempts remaining, its
    // just closed}.
    private const string ConfirmWithSmsCodeScript =
        RedisWrongCodeLedger.TakeFunction + RedisWrongCodeLedger.SettleFunction + RedisChallengeStore.VerifyFunction +
        RedisChallengeStore.CloseFunction + ConfirmFunction + """
        -- First writer wins (RedisCustomerStore.SettleScript): a dispatcher that settled the held e-mail before this step
        -- ran decided the change dropped, and it must never apply after its e-mail was deleted. Nothing is taken either.
        if redis.call('EXISTS', KEYS[5]) == 1 then return {'settled'} end
        local function settle_change(outcome)
          redis.call('SET', KEYS[5], outcome, 'PX', ARGV[12])
          redis.call('PUBLISH', ARGV[13], 'settle ' .. ARGV[14])
        end
        local now = tonumber(ARGV[4])
        local window, staleBefore, limit = tonumber(ARGV[8]), now - tonumber(ARGV[9]), tonumber(ARGV[10])
        -- WrongCodeBudget.TryAsync: the try is taken before the code is evaluated; a full scope evaluates nothing, and
        -- the code is dead (AuthenticatorFlow closes it on Exhausted).
        local take = wrong_code_take({KEYS[3]}, now, window, staleBefore, limit, ARGV[11])
        if take[1] ~= 1 then
          challenge_close(KEYS[4])
          settle_change('dropped')
          return {'exhausted', take[3]}
        end
        local v = challenge_verify(KEYS[4], ARGV[5], now, tonumber(ARGV[6]), tonumber(ARGV[7]), false)
        local counted = v[4] == 1
        -- WrongCodeBudget.TryAsync: kept as a wrong code only when counted; the one that fills the scope closes the code.
        local s = wrong_code_settle({KEYS[3]}, now, window, staleBefore, limit, ARGV[11], counted)
        if s[1] == 1 then challenge_close(KEYS[4]) end
        local e = {'', 0, 0}
        if v[1] == 'Verified' then e = authenticator_confirm(KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), now) end
        if e[1] == 'Verified' then settle_change('applied') else settle_change('dropped') end
        local c = 0
        if counted then c = 1 end
        return {'tried', v[1], v[2], v[3], c, s[1], s[2], e[1], e[2], e[3]}
        """;

    // ARGV: authenticator id, time step. A replay or an earlier step changes nothing.
    private const string UseStepScript = """
        local c = redis.call('HMGET', KEYS[1], 'id', 'step')
        if c[1] ~= ARGV[1] then return 0 end
        if tonumber(ARGV[2]) <= tonumber(c[2]) then return 0 end
        redis.call('HSET', KEYS[1], 'step', ARGV[2])
        return 1
        """;

    // UseStepScript as a Lua function that other scripts of the customer's slot compose (RedisOperationStore's app code).
    // Returns 1 when the step was used now, 0 for a replay, an earlier step or another authenticator.
    internal const string UseStepFunction = """
        local function authenticator_use_step(key, id, step)
          local c = redis.call('HMGET', key, 'id', 'step')
          if c[1] ~= id or tonumber(step) <= tonumber(c[2]) then return 0 end
          redis.call('HSET', key, 'step', step)
          return 1
        end

        """;

    // UseStepScript, then WrongCodeBudget's settle of the try's unit, not counted, in one script of the customer's slot
    // (the scopes carry the customer's tag): a code that matched a time step, used now or replayed, is no wrong code.
    // KEYS: the authenticator, then the scopes. ARGV: authenticator id, time step, now, window, pending timeout (µs),
    // limit, token. Returns 1 when the step was used now.
    private const string UseStepAndGiveBackScript = RedisWrongCodeLedger.SettleFunction + UseStepFunction + """
        local used = authenticator_use_step(KEYS[1], ARGV[1], ARGV[2])
        local scopes = {}
        for i = 2, #KEYS do scopes[i - 1] = KEYS[i] end
        local now = tonumber(ARGV[3])
        wrong_code_settle(scopes, now, tonumber(ARGV[4]), now - tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], false)
        return used
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

    public async Task<(CodeTry Sms, VerifyResult? Enrolment)> ConfirmWithSmsCodeAsync(EnrollmentSmsCode code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        var r = (RedisResult[])(await redis.ScriptAsync(
            ConfirmWithSmsCodeScript,
            [
                PendingKey(code.CustomerId),
                ConfirmedKey(code.CustomerId),
                RedisWrongCodeLedger.ScopeKey(redis, code.Scope),
                RedisChallengeStore.ChallengeKey(redis, code.ChallengeId),
                RedisCustomerStore.ChangeKey(redis, code.CustomerId, code.ChangeId),
            ],
            [
                code.EnrollmentId,
                code.MatchedStep,
                code.MaxEnrollmentFailures,
                RedisTime.ToMicros(code.Now),
                code.PresentedMac,
                code.Limits.MaxAttemptsPerCode,
                code.Limits.MaxTotalFailures,
                code.Window.Ticks / TimeSpan.TicksPerMicrosecond,
                WrongCodeRules.PendingTimeout.Ticks / TimeSpan.TicksPerMicrosecond,
                code.WrongCodeLimit,
                code.Token,
                (long)RedisCustomerStore.ChangeMemory.TotalMilliseconds,
                RedisNotificationOutbox.AnnounceChannel(redis),
                code.ChangeId,
            ]))!;
        if ((string)r[0]! == "settled")
        {
            throw new StorageUnavailableException("The change was settled as dropped before it could apply; nothing was changed.");
        }

        if ((string)r[0]! == "exhausted")
        {
            return (new CodeTry(new VerifyResult(VerifyStatus.Closed), Exhausted: true, FullUntil: RedisTime.FromMicros((long)r[1])), null);
        }

        var sms = new VerifyResult(Enum.Parse<VerifyStatus>((string)r[1]!), (int)r[2], (int)r[3] == 1, (int)r[4] == 1);
        var fullUntil = (long)r[6];
        var tried = new CodeTry(sms, JustFilled: (int)r[5] == 1, FullUntil: fullUntil == 0 ? null : RedisTime.FromMicros(fullUntil));
        var enrolment = (string)r[7]! is { Length: > 0 } status ? new VerifyResult(Enum.Parse<VerifyStatus>(status), (int)r[8], (int)r[9] == 1) : (VerifyResult?)null;
        return (tried, enrolment);
    }

    public async Task<bool> TryUseStepAsync(string customerId, string authenticatorId, long timeStep, CancellationToken cancellationToken) =>
        (long)await redis.ScriptAsync(UseStepScript, [ConfirmedKey(customerId)], [authenticatorId, timeStep]) == 1;

    public async Task<bool> TryUseStepAndGiveBackAsync(
        string customerId, string authenticatorId, long timeStep, WrongCodeUnit unit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        CustomerScopes.ThrowUnlessIn(customerId, unit.Scopes);
        RedisKey[] keys = [ConfirmedKey(customerId), .. unit.Scopes.Select(s => RedisWrongCodeLedger.ScopeKey(redis, s))];
        return (long)await redis.ScriptAsync(UseStepAndGiveBackScript, keys, UseStepArgs(authenticatorId, timeStep, unit, now)) == 1;
    }

    /// <summary>
    /// The arguments of a script that uses an app's time step and gives its wrong-code unit back (this store's
    /// UseStepAndGiveBackScript, and the operation store's app step, which composes the same functions).
    /// </summary>
    internal static RedisValue[] UseStepArgs(string authenticatorId, long timeStep, WrongCodeUnit unit, DateTimeOffset now) =>
    [
        authenticatorId,
        timeStep,
        RedisTime.ToMicros(now),
        unit.Window.Ticks / TimeSpan.TicksPerMicrosecond,
        WrongCodeRules.PendingTimeout.Ticks / TimeSpan.TicksPerMicrosecond,
        unit.Limit,
        unit.Token,
    ];

    private RedisKey PendingKey(string customerId) => redis.Key("c:" + customerId, "authenticator:pending");

    private RedisKey ConfirmedKey(string customerId) => ConfirmedKey(redis, customerId);

    /// <summary>A customer's confirmed authenticator (the customer's slot), which a signature's code step checks for.</summary>
    internal static RedisKey ConfirmedKey(RedisConnection redis, string customerId) => redis.Key("c:" + customerId, "authenticator");

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
