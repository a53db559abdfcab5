using Recovery.AuthServer.Otp;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// Challenges on Redis: one hash per challenge at <c>{prefix}{ch:&lt;id&gt;}:challenge</c>, holding
/// only the keyed hash (HMAC) of the code, never the code. Every check-and-update is one Lua script
/// on that one key, so it is atomic and runs on Cluster.
/// </summary>
/// <remarks>
/// The rules are <see cref="ChallengeRules"/>'s: each script mirrors one of its functions line for line (the
/// comments name the function and the branch), and the table of cases in tests/Shared/Otp/ChallengeRuleCases.cs
/// runs on the functions and on this store alike, so a script that drifts from its function fails a case.
/// </remarks>
public sealed class RedisChallengeStore(RedisConnection redis, TimeProvider time) : IChallengeStore
{
    /// <summary>Kept past its code's expiry so that late tries answer "expired", not "not found" (as in memory).</summary>
    internal static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    private static readonly RedisValue[] Fields = ["mac", "exp", "rat", "rs", "cf", "tf", "st"];

    private const string CreateScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'mac', ARGV[1], 'exp', ARGV[2], 'rat', ARGV[3], 'rs', ARGV[4], 'cf', ARGV[5], 'tf', ARGV[6], 'st', ARGV[7])
        redis.call('PEXPIRE', KEYS[1], ARGV[8])
        return 1
        """;

    // ChallengeRules.Verify, as a Lua function that other scripts of one slot compose (RedisAuthenticatorConfirmationStore).
    // mac: the presented MAC; now (µs); countInactive: true or false.
    // Returns {status, attempts remaining, just closed (1/0), counted (1/0)}.
    internal const string VerifyFunction = """
        local function challenge_verify(key, mac, now, maxAttempts, maxTotal, countInactive)
          local c = redis.call('HMGET', key, 'st', 'exp', 'mac', 'cf', 'tf')
          local st = c[1]
          -- Verify: the switch on the state (no challenge, used, closed).
          if not st then return {'NotFound', 0, 0} end
          if st == 'Used' then return {'AlreadyUsed', 0, 0} end
          if st == 'Closed' then return {'Closed', 0, 0} end
          local usable = st == 'Active' and now < tonumber(c[2])
          -- Verify: a dead code evaluates and counts nothing.
          if not usable and not countInactive then
            if st == 'Burned' then return {'Burned', 0, 0} end
            return {'Expired', 0, 0}
          end
          -- A plain comparison, not a constant-time one (Lua has none). Its timing can only tell how many
          -- leading bytes of two HMACs under the server's secret key agree; without that key an attacker
          -- cannot choose a code whose HMAC shares a prefix, so the timing reveals nothing about the code.
          -- It is always made, even when the code cannot win, so the work does not depend on the state.
          local equal = c[3] == mac
          -- Verify: a right code on a usable challenge marks it used.
          if usable and equal then
            redis.call('HSET', key, 'st', 'Used')
            return {'Verified', 0, 0}
          end
          local cf = tonumber(c[4])
          if usable then cf = cf + 1 end
          local tf = tonumber(c[5]) + 1
          -- Verify: the try that reaches the total closes the challenge (JustClosed once).
          if tf >= maxTotal then
            redis.call('HSET', key, 'cf', cf, 'tf', tf, 'st', 'Closed')
            return {'Closed', 0, 1, 1}
          end
          -- Verify: otherwise counted; the code burns at its own limit.
          local burned = st == 'Burned' or (usable and cf >= maxAttempts)
          local newState = 'Active'
          if burned then newState = 'Burned' end
          redis.call('HSET', key, 'cf', cf, 'tf', tf, 'st', newState)
          if countInactive then return {'Incorrect', maxTotal - tf, 0, 1} end
          if burned then return {'Burned', 0, 0, 1} end
          return {'Incorrect', math.min(maxAttempts - cf, maxTotal - tf), 0, 1}
        end

        """;

    // ARGV: presented MAC, now (µs), max attempts per code, max total failures, count while inactive (1/0).
    private const string VerifyScript = VerifyFunction + """
        return challenge_verify(KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5] == '1')
        """;

    // ChallengeRules.VerifyIfRight, as a Lua function (see VerifyFunction) that a signature's code step composes
    // (RedisOperationStore) for a customer with an app. mac: the presented MAC; now (µs). Returns true when it verified.
    internal const string VerifyIfRightFunction = """
        local function challenge_verify_if_right(key, mac, now)
          local c = redis.call('HMGET', key, 'st', 'exp', 'mac')
          if not c[1] then return false end
          -- A plain comparison, always made, as in challenge_verify (the same reasoning on its timing).
          local equal = c[3] == mac
          if c[1] == 'Active' and now < tonumber(c[2]) and equal then
            redis.call('HSET', key, 'st', 'Used')
            return true
          end
          return false
        end

        """;

    private const string VerifyIfRightScript = VerifyIfRightFunction + """
        if challenge_verify_if_right(KEYS[1], ARGV[1], tonumber(ARGV[2])) then return 1 end
        return 0
        """;

    // ChallengeRules.AcceptOtherFactor, as a Lua function (see VerifyFunction) that a signature's app code composes
    // (RedisOperationStore). Returns the status.
    internal const string AcceptOtherFactorFunction = """
        local function challenge_accept_other_factor(key)
          local st = redis.call('HGET', key, 'st')
          if not st then return 'NotFound' end
          if st == 'Used' then return 'AlreadyUsed' end
          if st == 'Closed' then return 'Closed' end
          redis.call('HSET', key, 'st', 'Used')
          return 'Verified'
        end

        """;

    private const string AcceptOtherFactorScript = AcceptOtherFactorFunction + """
        return challenge_accept_other_factor(KEYS[1])
        """;

    // ChallengeRules.Reissue, its checks in the same order, as a Lua function (see VerifyFunction) that the call centre's
    // card check composes (RedisOperationStore). a: new MAC, now (µs), max resends, new expiry (µs), TTL (ms), then for
    // k = 1..max resends the next resend time (µs) after the k-th resend (escalating cooldowns are computed in .NET, not
    // in Lua floats): ReissueArguments. Returns {status, mac, exp, rat, rs, cf, tf, st} with the fields after the step.
    internal const string ReissueFunction = """
        local function challenge_reissue(key, a)
          local c = redis.call('HMGET', key, 'st', 'rs', 'rat')
          local st = c[1]
          if not st then return {'NotFound'} end
          local status
          if st == 'Used' or st == 'Closed' then
            status = 'NotActive'
          elseif tonumber(c[2]) >= tonumber(a[3]) then
            status = 'LimitReached'
          elseif tonumber(a[2]) < tonumber(c[3]) then
            status = 'TooSoon'
          else
            local rs = tonumber(c[2]) + 1
            redis.call('HSET', key, 'mac', a[1], 'exp', a[4], 'rat', a[5 + rs], 'rs', rs, 'cf', 0, 'st', 'Active')
            redis.call('PEXPIRE', key, a[5])
            status = 'Reissued'
          end
          local f = redis.call('HMGET', key, 'mac', 'exp', 'rat', 'rs', 'cf', 'tf', 'st')
          local r = {status}
          for i = 1, #f do r[i + 1] = f[i] end
          return r
        end

        """;

    private const string ReissueScript = ReissueFunction + """
        return challenge_reissue(KEYS[1], ARGV)
        """;

    // ChallengeRules.Close, as a Lua function (see VerifyFunction). Returns 0 when a code was already accepted, else 1.
    internal const string CloseFunction = """
        local function challenge_close(key)
          local st = redis.call('HGET', key, 'st')
          if not st then return 1 end
          if st == 'Used' then return 0 end
          if st == 'Closed' then return 1 end
          redis.call('HSET', key, 'st', 'Closed')
          return 1
        end

        """;

    private const string CloseScript = CloseFunction + """
        return challenge_close(KEYS[1])
        """;

    public async Task CreateAsync(Challenge challenge, CancellationToken cancellationToken)
    {
        var created = (long)await redis.ScriptAsync(CreateScript, [Key(challenge.Id)], CreateArguments(challenge, time.GetUtcNow()));
        if (created != 1)
        {
            throw new InvalidOperationException("Challenge id collision.");
        }
    }

    /// <summary>
    /// The create script's arguments: the fields (MAC, expiry, resend time, resends, code failures, total failures, state),
    /// then the TTL (ms). RedisRecoveryStore.CreateWithCodeAsync writes a recovery's challenge with them, in its own script.
    /// </summary>
    internal static RedisValue[] CreateArguments(Challenge challenge, DateTimeOffset now) =>
    [
        challenge.CodeMac,
        RedisTime.ToMicros(challenge.ExpiresAt),
        RedisTime.ToMicros(challenge.ResendAvailableAt),
        challenge.Resends,
        challenge.CodeFailures,
        challenge.TotalFailures,
        challenge.State.ToString(),
        RedisTime.TtlMilliseconds(challenge.ExpiresAt, now, Retention),
    ];

    public async Task<Challenge?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var values = await redis.ExecuteAsync(db => db.HashGetAsync(Key(id), Fields));
        return Read(id, values);
    }

    public async Task<bool> VerifyIfRightAsync(string id, byte[] presentedMac, DateTimeOffset now, CancellationToken cancellationToken) =>
        (long)(await redis.ScriptAsync(VerifyIfRightScript, [Key(id)], [presentedMac, RedisTime.ToMicros(now)])) == 1;

    public async Task<VerifyResult> VerifyAsync(string id, byte[] presentedMac, DateTimeOffset now, ChallengeLimits limits, CancellationToken cancellationToken, bool countWhileInactive = false)
    {
        var r = (RedisResult[])(await redis.ScriptAsync(VerifyScript, [Key(id)],
        [
            presentedMac,
            RedisTime.ToMicros(now),
            limits.MaxAttemptsPerCode,
            limits.MaxTotalFailures,
            countWhileInactive ? 1 : 0,
        ]))!;
        return new VerifyResult(Enum.Parse<VerifyStatus>((string)r[0]!), (int)r[1], (int)r[2] == 1, r.Length > 3 && (int)r[3] == 1);
    }

    public async Task<VerifyResult> AcceptOtherFactorAsync(string id, CancellationToken cancellationToken)
    {
        var status = (string)(await redis.ScriptAsync(AcceptOtherFactorScript, [Key(id)], []))!;
        return new VerifyResult(Enum.Parse<VerifyStatus>(status));
    }

    public async Task<ReissueResult> ReissueAsync(string id, byte[] newMac, DateTimeOffset now, ChallengeLimits limits, CancellationToken cancellationToken) =>
        ReadReissue(id, (RedisResult[])(await redis.ScriptAsync(ReissueScript, [Key(id)], ReissueArguments(newMac, now, limits)))!);

    /// <summary>The argument list <see cref="ReissueFunction"/> takes.</summary>
    internal static RedisValue[] ReissueArguments(byte[] newMac, DateTimeOffset now, ChallengeLimits limits)
    {
        var expiresAt = now + limits.Lifetime;
        return
        [
            newMac,
            RedisTime.ToMicros(now),
            limits.MaxResends,
            RedisTime.ToMicros(expiresAt),
            RedisTime.TtlMilliseconds(expiresAt, now, Retention),
            .. Enumerable.Range(1, limits.MaxResends).Select(k => (RedisValue)RedisTime.ToMicros(now + limits.CooldownAfter(k))),
        ];
    }

    /// <summary>The answer of <see cref="ReissueFunction"/> for challenge <paramref name="id"/>.</summary>
    internal static ReissueResult ReadReissue(string id, RedisResult[] r)
    {
        var status = Enum.Parse<ReissueStatus>((string)r[0]!);
        return status == ReissueStatus.NotFound
            ? new ReissueResult(status)
            : new ReissueResult(status, Read(id, r[1..].Select(v => (RedisValue)v).ToArray()));
    }

    public async Task<bool> CloseAsync(string id, CancellationToken cancellationToken) =>
        (long)await redis.ScriptAsync(CloseScript, [Key(id)], []) == 1;

    private RedisKey Key(string id) => ChallengeKey(redis, id);

    /// <summary>
    /// A challenge's hash: under its own tag <c>{ch:&lt;id&gt;}</c>, except an id that opens with a hash tag
    /// (<c>{c:&lt;customerId&gt;}authn:&lt;enrolment&gt;</c>, an enrolment's SMS code; <c>{op:&lt;id&gt;}code</c>, an
    /// operation's), kept under that tag so that a script of that slot can use it with the slot's other keys.
    /// </summary>
    internal static RedisKey ChallengeKey(RedisConnection redis, string id) =>
        id.StartsWith('{') ? (RedisKey)(redis.KeyPrefix + id + ":challenge") : redis.Key("ch:" + id, "challenge");

    private static Challenge? Read(string id, RedisValue[] v) =>
        v[6].IsNull
            ? null
            : new Challenge
            {
                Id = id,
                CodeMac = (byte[])v[0]!,
                ExpiresAt = RedisTime.FromMicros((long)v[1]),
                ResendAvailableAt = RedisTime.FromMicros((long)v[2]),
                Resends = (int)v[3],
                CodeFailures = (int)v[4],
                TotalFailures = (int)v[5],
                State = Enum.Parse<ChallengeState>((string)v[6]!),
            };
}
