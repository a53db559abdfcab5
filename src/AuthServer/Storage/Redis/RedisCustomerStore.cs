using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Security;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// Customers and credentials on Redis. Durable records, no TTL. Everything of one customer lives under
/// the tag <c>c:&lt;id&gt;</c> (one slot), so every credential change is one Lua script:
/// <list type="bullet">
/// <item><c>{c:id}:profile</c> — the <see cref="CustomerRecord"/> as JSON sealed with AES-256-GCM (written once, never edited)</item>
/// <item><c>{c:id}:cred</c> — hash: <c>pw</c>, <c>state</c>, <c>failed</c>, <c>tmp</c> (base64 MAC), <c>tmpexp</c>, <c>ver</c>, <c>rbu</c>, <c>rlo</c>, <c>fl</c> (1 while the first login after a signed change is pending); times in Unix ms</item>
/// <item><c>{c:id}:history</c> — list of earlier PHC strings, newest first</item>
/// <item><c>{c:id}:chg:&lt;changeId&gt;</c> — <c>applied</c> or <c>dropped</c>: the outcome of one credential change, kept a week (see <see cref="ChangeKey"/>)</item>
/// <item><c>{u:USERCODE}:customer</c>, <c>{k:panHash}:customer</c> — secondary indexes, each in its own slot</item>
/// </list>
/// </summary>
/// <remarks>
/// The profile holds personal data (name, document, phone, e-mail, birth date), so it is sealed as the
/// outbox's messages are: a <see cref="SecretBox"/> key derived from <c>Secrets:CodeKey</c> (label
/// <c>recovery.v1/customer-profile/aes-256-gcm</c>), bound to the customer id, so a copy under another
/// id does not open. Lookups never need it in clear: cards are found by their keyed hash and the
/// customer by id or user code. Someone reading Redis (a backup, a replica, a MONITOR) sees none of it.
/// </remarks>
public sealed class RedisCustomerStore(RedisConnection redis, SecretKeys keys, IRandomSource random) : ICustomerStore
{
    private const string ProfileLabel = "recovery.v1/customer-profile/aes-256-gcm";

    private readonly SecretBox profileBox = new(keys.CodeKey, ProfileLabel, random);

    // Looked up when an index misses, so an unknown user code or card costs the same round trips as a known one.
    private const string DecoyId = "~";

    // Claims one index key for a customer: 1 = claimed now, 2 = already ours (an interrupted earlier add), 0 = someone else's.
    private const string ClaimScript = """
        local v = redis.call('GET', KEYS[1])
        if not v then redis.call('SET', KEYS[1], ARGV[1]) return 1 end
        if v == ARGV[1] then return 2 end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;

    // ARGV: profile JSON, number of hash arguments n, n field/value arguments, then the history, newest first.
    private const string AddScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local n = tonumber(ARGV[2])
        redis.call('DEL', KEYS[2], KEYS[3])
        redis.call('HSET', KEYS[2], unpack(ARGV, 3, 2 + n))
        if #ARGV > 2 + n then redis.call('RPUSH', KEYS[3], unpack(ARGV, 3 + n)) end
        redis.call('SET', KEYS[1], ARGV[1])
        return 1
        """;

    // The history is read before the existence check, so an unknown customer (a decoy) costs the same commands.
    private const string ReadScript = """
        local h = redis.call('HGETALL', KEYS[1])
        local history = redis.call('LRANGE', KEYS[2], 0, -1)
        if #h == 0 then return false end
        return {h, history}
        """;

    // ReadScript with the profile: what a lookup by card reads, one command rather than a GET beside the script (each
    // command costs the server and redis-server work of its own). KEYS: profile, credentials, history. The profile
    // is false (a nil reply) when there is none, the credentials an empty list.
    private const string ReadWithProfileScript = """
        local profile = redis.call('GET', KEYS[1])
        local h = redis.call('HGETALL', KEYS[2])
        local history = redis.call('LRANGE', KEYS[3], 0, -1)
        return {profile, h, history}
        """;

    // Mirrors LoginAttempts.Record over the counter in the credentials (CredentialRules.LoginCounterOf). ARGV: max.
    // Returns {failed, just blocked, blocked}.
    private const string LoginFailureScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        local failed = redis.call('HINCRBY', KEYS[1], 'failed', 1)
        local just = 0
        if redis.call('HGET', KEYS[1], 'state') == 'Active' and failed >= tonumber(ARGV[1]) then
          redis.call('HSET', KEYS[1], 'state', 'Blocked')
          just = 1
        end
        return {failed, just, redis.call('HGET', KEYS[1], 'state') == 'Blocked' and 1 or 0}
        """;

    // The login tries of LoginAttempts, mirrored (Begin, Fail, Succeed, Release; the counter sits in the hash as
    // CredentialRules.LoginCounterOf reads it). KEYS[1]: the subject's hash (a customer's credentials, or an
    // unknown user code's counter) with 'state' and 'failed'; KEYS[2]: its tries under way, a sorted set of try
    // ids scored by lease end (Unix ms). ARGV[1] of each: the unknown counter's lifetime in ms, or 0 for a
    // customer, whose credentials must exist. Shared prologue: a lapsed lease counts as a failure.
    private const string LoginPrologue = """
        local ttl = tonumber(ARGV[1])
        if ttl == 0 and redis.call('EXISTS', KEYS[1]) == 0 then return false end
        local failed = tonumber(redis.call('HGET', KEYS[1], 'failed') or '0')
        local blocked = redis.call('HGET', KEYS[1], 'state') == 'Blocked'
        local function save()
          redis.call('HSET', KEYS[1], 'failed', failed)
          if blocked then redis.call('HSET', KEYS[1], 'state', 'Blocked')
          elseif redis.call('HEXISTS', KEYS[1], 'state') == 0 then redis.call('HSET', KEYS[1], 'state', 'Active') end
          if ttl > 0 then
            redis.call('PEXPIRE', KEYS[1], ttl)
            if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ttl) end
          end
        end
        """;

    // ARGV: ttl, now, max, try id, lease end (ms). Returns {status (1 taken, 2 blocked, 3 exhausted), failed before}.
    private const string BeginLoginScript = $$"""
        {{LoginPrologue}}
        local now = tonumber(ARGV[2])
        local max = tonumber(ARGV[3])
        local lapsed = redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
        failed = failed + lapsed
        if failed >= max then blocked = true end
        local status = 1
        if blocked then status = 2
        elseif failed + redis.call('ZCARD', KEYS[2]) >= max then status = 3
        else redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4]) end
        save()
        return {status, failed}
        """;

    // A login's read and try in one step (BeginLoginByUserCodeAsync). KEYS: credentials, tries, profile, history;
    // ARGV: as BeginLoginScript's (ttl 0). The begin is BeginLoginScript itself, run only when the profile and the
    // credentials exist. Returns {profile or false, credentials (HGETALL), history, begin's answer or false}; an
    // absent customer writes nothing.
    private const string ReadAndBeginLoginScript = $$"""
        local profile = redis.call('GET', KEYS[3])
        local function begin()
        {{BeginLoginScript}}
        end
        local started = false
        if profile and redis.call('EXISTS', KEYS[1]) == 1 then started = begin() end
        return {profile, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[4], 0, -1), started}
        """;

    // ARGV: ttl, try id, max. Returns {failed, just blocked, blocked}.
    private const string FailLoginScript = $$"""
        {{LoginPrologue}}
        if redis.call('ZREM', KEYS[2], ARGV[2]) == 1 then failed = failed + 1 end
        local just = 0
        if not blocked and failed >= tonumber(ARGV[3]) then blocked = true just = 1 end
        save()
        return {failed, just, blocked and 1 or 0}
        """;

    // ARGV: ttl (0), try id, failed before, '1' and the upgraded PHC string or '0' and '', expected version.
    // Returns 1 when granted, 0 when the credentials blocked meanwhile. Mirrors LoginAttempts.Succeed, then
    // CredentialRules.KeepUpgradedHash and CredentialRules.EndFirstLogin.
    private const string SucceedLoginScript = $$"""
        {{LoginPrologue}}
        redis.call('ZREM', KEYS[2], ARGV[2])
        if blocked then return 0 end
        failed = math.max(0, failed - tonumber(ARGV[3]))
        save()
        redis.call('HDEL', KEYS[1], 'fl')
        if ARGV[4] == '1' and redis.call('HGET', KEYS[1], 'ver') == ARGV[6] then redis.call('HSET', KEYS[1], 'pw', ARGV[5]) end
        return 1
        """;

    // ARGV: ttl, try id.
    private const string ReleaseLoginScript = """
        redis.call('ZREM', KEYS[2], ARGV[2])
        return 1
        """;

    // Shared by restore and commit: retire the password in force into the history, keeping at most ARGV[1]
    // (CredentialRules.Retire).
    private const string RetirePassword = """
        local old = redis.call('HGET', KEYS[1], 'pw')
        if old then
          redis.call('LPUSH', KEYS[2], old)
          redis.call('LTRIM', KEYS[2], 0, math.max(0, tonumber(ARGV[1]) - 1))
        end
        """;

    // Mirrors CredentialRules.Restore, recording the change as applied in the same step, and announcing it on the
    // outbox's channel (ARGV[5], "settle <change id>") so that a dispatcher releases its held messages now: the flow
    // need not send the release itself (RedisNotificationOutbox.ReleaseAnnouncedAsync).
    // KEYS: cred, history, change. ARGV: depth, MAC (base64), expiry (Unix ms), change TTL (ms), channel, change id.
    // Returns the version, or -1 if the change was settled as dropped.
    private const string RestoreScript = $"""
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        local done = redis.call('GET', KEYS[3])
        if done == 'applied' then
          redis.call('PUBLISH', ARGV[5], 'settle ' .. ARGV[6])
          return tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
        end
        if done then return -1 end
        {RetirePassword}
        redis.call('HDEL', KEYS[1], 'pw', 'fl')
        redis.call('HSET', KEYS[1], 'state', 'Active', 'failed', 0, 'tmp', ARGV[2], 'tmpexp', ARGV[3])
        redis.call('SET', KEYS[3], 'applied', 'PX', ARGV[4])
        redis.call('PUBLISH', ARGV[5], 'settle ' .. ARGV[6])
        return redis.call('HINCRBY', KEYS[1], 'ver', 1)
        """;

    // Mirrors CredentialRules.Commit, recording the change as applied in the same step. Every answer is announced on the
    // outbox's channel (ARGV[5], "settle <change id>"), as the restore's is: the hold sent beside this step is then
    // settled by the dispatcher that hears it against the fence (released if applied; dropped otherwise, the fence then
    // deciding "dropped": a stale change can never apply later), so the flow sends neither the release nor the drop
    // (CredentialChanges.ApplyBesideHoldAsync). KEYS: cred, history, change. ARGV: depth, new PHC string, expected
    // version, change TTL (ms), channel, change id. Returns 1 when in force (now or earlier), 0 when dropped or stale.
    private const string CommitScript = $"""
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        local done = redis.call('GET', KEYS[3])
        local result = 0
        if done == 'applied' then
          result = 1
        elseif not done and redis.call('HGET', KEYS[1], 'ver') == ARGV[3] then
          {RetirePassword}
          redis.call('HSET', KEYS[1], 'pw', ARGV[2], 'state', 'Active', 'failed', 0, 'fl', 1)
          redis.call('HDEL', KEYS[1], 'tmp', 'tmpexp')
          redis.call('HINCRBY', KEYS[1], 'ver', 1)
          redis.call('SET', KEYS[3], 'applied', 'PX', ARGV[4])
          result = 1
        end
        redis.call('PUBLISH', ARGV[5], 'settle ' .. ARGV[6])
        return result
        """;

    // CommitScript guarded by the marker the app step's script writes when it used the step now for this attempt
    // (RedisOperationStore.UseAppStepScript), so that it can be sent in the same pipeline as that step: without the marker
    // (a replayed step, or a step not run yet) nothing is changed and the attempt's own fence is decided 'dropped'. The
    // attempt's fence, not the operation's, is what a guard that fails decides and announces: a dispatcher hearing the
    // operation's id would decide its fence 'dropped' before a parallel winning attempt commits (docs/security.md).
    // KEYS: cred, history, operation's change, attempt's change, marker. ARGV: as CommitScript, ARGV[6] the attempt's id.
    // Returns 1 when in force, 0 when stale or the operation's change was dropped, -1 when the guard failed.
    private const string CommitAfterStepScript = $"""
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        local marked = redis.call('GET', KEYS[5]) == '1'
        redis.call('DEL', KEYS[5])
        if not marked or redis.call('EXISTS', KEYS[4]) == 1 then
          redis.call('SET', KEYS[4], 'dropped', 'NX', 'PX', ARGV[4])
          redis.call('PUBLISH', ARGV[5], 'settle ' .. ARGV[6])
          return -1
        end
        local done = redis.call('GET', KEYS[3])
        local result = 0
        if not done and redis.call('HGET', KEYS[1], 'ver') == ARGV[3] then
          {RetirePassword}
          redis.call('HSET', KEYS[1], 'pw', ARGV[2], 'state', 'Active', 'failed', 0, 'fl', 1)
          redis.call('HDEL', KEYS[1], 'tmp', 'tmpexp')
          redis.call('HINCRBY', KEYS[1], 'ver', 1)
          redis.call('SET', KEYS[3], 'applied', 'PX', ARGV[4])
          redis.call('SET', KEYS[4], 'applied', 'PX', ARGV[4])
          result = 1
        else
          redis.call('SET', KEYS[4], 'dropped', 'PX', ARGV[4])
        end
        redis.call('PUBLISH', ARGV[5], 'settle ' .. ARGV[6])
        return result
        """;

    /// <summary>
    /// KEYS: the change key; ARGV: its TTL (ms). The outcome of a change, deciding it as dropped if it had
    /// not applied (mirrors <see cref="CredentialRules.Settle"/>). Shared with <see cref="RedisNotificationOutbox"/>, whose dispatcher settles the held
    /// messages of a change whose node died before releasing them.
    /// </summary>
    internal const string SettleScript = """
        local done = redis.call('GET', KEYS[1])
        if done then return done end
        redis.call('SET', KEYS[1], 'dropped', 'PX', ARGV[1])
        return 'dropped'
        """;

    /// <summary>How long the outcome of a change is kept: far longer than any held message waits.</summary>
    internal static readonly TimeSpan ChangeMemory = TimeSpan.FromDays(7);

    // ARGV: now, first block, max block, at least until (0: none) (ms). Mirrors RecoveryBlock.Escalate through the
    // shared escalate() of RedisBlockEscalation; returns the end as a string (exact).
    // KEYS: credentials, a scratch key in the same slot. A decoy's block (an unknown customer) runs the same
    // commands as a real one: its write goes to the scratch key, which every call deletes, and it returns false.
    private const string BlockRecoveryScript = $"""
        {RedisBlockEscalation.Lua}
        local lockouts = tonumber(redis.call('HGET', KEYS[1], 'rlo') or '0')
        local exists = redis.call('EXISTS', KEYS[1]) == 1
        local untilNumber, count = escalate(lockouts, tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4] or '0'))
        local untilMs = string.format('%.0f', untilNumber)
        local target = KEYS[2]
        if exists then target = KEYS[1] end
        redis.call('HSET', target, 'rlo', count, 'rbu', untilMs)
        redis.call('DEL', KEYS[2])
        if not exists then return false end
        return untilMs
        """;

    /// <remarks>
    /// The customer and its indexes live in different slots, so this cannot be one script. It goes in
    /// an order that never makes a half-added customer findable and that a retry completes:
    /// 1. claim each index key (user code, every card) for this id, all in one round trip with the check
    ///    that the profile is absent — a claim already holding this id is a leftover of an interrupted
    ///    attempt and is taken as ours;
    /// 2. on a conflict or an existing profile, release what this call claimed and refuse;
    /// 3. write profile, credentials and history in one script, only if the profile is absent. The
    ///    profile is written last: until it exists an index leads nowhere.
    /// Lookups through an index also check that the profile really has that user code or card, so a
    /// stale claim (a crash between 1 and 3) never finds the wrong customer; it only keeps that user
    /// code or card from another customer until the add is retried or the key is deleted.
    /// </remarks>
    public async Task<bool> AddIfAbsentAsync(CustomerRecord customer, CredentialRecord credentials, CancellationToken cancellationToken)
    {
        var profileKey = redis.Key(Tag(customer.Id), "profile");

        // The existence check and every claim are sent together (one round trip, not one per card): an existing
        // customer or a conflict then gives back the claims this call made, as a conflict always did.
        var indexes = IndexKeys(customer).ToList();
        var exists = redis.ExecuteAsync(db => db.KeyExistsAsync(profileKey));
        var claims = indexes.Select(index => redis.ScriptAsync(ClaimScript, [index], [customer.Id])).ToList();
        await Task.WhenAll([exists, .. claims]);
        var claimedNow = new List<RedisKey>();
        var conflict = false;
        for (var i = 0; i < indexes.Count; i++)
        {
            var claim = (int)await claims[i];
            if (claim == 1)
            {
                claimedNow.Add(indexes[i]);
            }

            conflict |= claim == 0;
        }

        if (await exists || conflict)
        {
            await ReleaseAsync(claimedNow, customer.Id);
            return false;
        }

        var sealedProfile = SealProfile(customer);
        var fields = CredentialFields(credentials);
        RedisValue[] args = [sealedProfile, fields.Count, .. fields, .. credentials.History.Select(h => (RedisValue)h)];
        var added = (int)await redis.ScriptAsync(AddScript, [profileKey, CredKey(customer.Id), HistoryKey(customer.Id)], args);
        if (added == 1)
        {
            return true;
        }

        // Someone added this id meanwhile: release only the claims its (immutable) profile does not use.
        var winner = await GetAsync(customer.Id, cancellationToken);
        var kept = winner is null ? [] : IndexKeys(winner).ToHashSet();
        await ReleaseAsync(claimedNow.Where(k => !kept.Contains(k)), customer.Id);
        return false;
    }

    public async Task<CustomerRecord?> GetAsync(string customerId, CancellationToken cancellationToken)
    {
        var stored = await redis.ExecuteAsync(db => db.StringGetAsync(redis.Key(Tag(customerId), "profile")));
        return stored.IsNull ? null : OpenProfile(customerId, (byte[])stored!);
    }

    private byte[] SealProfile(CustomerRecord customer)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(customer, RedisCustomerJsonContext.Default.CustomerRecord);
        try
        {
            return profileBox.Protect(json, ProfileAssociated(customer.Id));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    private CustomerRecord OpenProfile(string customerId, byte[] stored)
    {
        // A profile written before profiles were sealed is plain JSON (it starts with '{'; a sealed one
        // starts with the box's version byte) and is still read (profiles are never rewritten; re-import to seal one).
        if (stored.Length > 0 && stored[0] == (byte)'{')
        {
            return JsonSerializer.Deserialize(stored, RedisCustomerJsonContext.Default.CustomerRecord)!;
        }

        var json = profileBox.Unprotect(stored, ProfileAssociated(customerId))
            ?? throw new InvalidOperationException("A customer profile could not be decrypted (tampered with, or sealed under another Secrets:CodeKey).");
        try
        {
            return JsonSerializer.Deserialize(json, RedisCustomerJsonContext.Default.CustomerRecord)!;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    private static byte[] ProfileAssociated(string customerId) => Encoding.UTF8.GetBytes("customer-profile:" + customerId);

    public async Task<CustomerRecord?> FindByUserCodeAsync(string userCode, CancellationToken cancellationToken)
    {
        var customer = await FindAsync(UserCodeKey(userCode));
        return customer is not null && string.Equals(customer.UserCode, userCode, StringComparison.OrdinalIgnoreCase) ? customer : null;
    }

    public async Task<CustomerRecord?> FindByCardAsync(string panHash, CancellationToken cancellationToken)
    {
        var customer = await FindAsync(CardKey(panHash));
        return customer is not null && CardOwnership.HasCard(customer, panHash) ? customer : null;
    }

    public Task<CustomerWithCredentials?> FindByCardWithCredentialsAsync(string panHash, CancellationToken cancellationToken) =>
        FindWithCredentialsAsync(CardKey(panHash), customer => CardOwnership.HasCard(customer, panHash), cancellationToken);

    public async Task<CredentialRecord?> GetCredentialsAsync(string customerId, CancellationToken cancellationToken)
    {
        var result = await redis.ScriptAsync(ReadScript, [CredKey(customerId), HistoryKey(customerId)], []);
        if (result.IsNull)
        {
            return null;
        }

        var parts = (RedisResult[])result!;
        return ReadCredentials(customerId, parts[0], parts[1]);
    }

    private static CredentialRecord ReadCredentials(string customerId, RedisResult fields, RedisResult history)
    {
        var hash = fields.ToDictionary();
        string? Field(string name) => hash.TryGetValue(name, out var v) ? (string?)v : null;
        return new CredentialRecord
        {
            CustomerId = customerId,
            PasswordHash = Field("pw"),
            State = Enum.Parse<CredentialState>(Field("state") ?? nameof(CredentialState.Active)),
            FailedLogins = int.Parse(Field("failed") ?? "0", CultureInfo.InvariantCulture),
            TemporaryPasswordMac = Field("tmp") is { } mac ? Convert.FromBase64String(mac) : null,
            TemporaryPasswordExpiresAt = Time(Field("tmpexp")),
            History = [.. ((RedisResult[])history!).Select(h => (string)h!)],
            Version = long.Parse(Field("ver") ?? "0", CultureInfo.InvariantCulture),
            RecoveryBlockedUntil = Time(Field("rbu")),
            RecoveryLockouts = int.Parse(Field("rlo") ?? "0", CultureInfo.InvariantCulture),
            FirstLoginPending = Field("fl") == "1",
        };
    }

    public async Task<LoginFailure> RecordLoginFailureAsync(string customerId, int maxFailures, CancellationToken cancellationToken)
    {
        var result = Known(await redis.ScriptAsync(LoginFailureScript, [CredKey(customerId)], [maxFailures]));
        var values = (RedisResult[])result!;
        return new LoginFailure((int)values[0], (int)values[1] == 1, (int)values[2] == 1);
    }

    public async Task<LoginTryStart> BeginLoginAsync(LoginSubject subject, string tryId, DateTimeOffset now, DateTimeOffset leaseEnd, int maxFailures, CancellationToken cancellationToken)
    {
        var values = (RedisResult[])Known(await redis.ScriptAsync(
            BeginLoginScript,
            LoginKeys(subject),
            [Ttl(subject), now.ToUnixTimeMilliseconds(), maxFailures, tryId, leaseEnd.ToUnixTimeMilliseconds()]))!;
        return new LoginTryStart((LoginTryStatus)(int)values[0], (int)values[1]);
    }

    public async Task<string?> FindIdByUserCodeAsync(string userCode, CancellationToken cancellationToken)
    {
        var id = await redis.ExecuteAsync(db => db.StringGetAsync(UserCodeKey(userCode)));
        return id.IsNull ? null : (string)id!;
    }

    /// <remarks>
    /// One round trip and one script whether the user code is known or not: a known one reads its customer and takes
    /// the try in one script in the customer's slot; an unknown one takes the try on its own counter, in its slot.
    /// A decoy read beside it would add a command that the known path does not send (the shape of the round trips
    /// would then tell), and its microseconds inside Redis are noise beside the round trip. Only an index entry that
    /// leads to no customer with that user code (an add interrupted between its claim and its write, see
    /// <see cref="AddIfAbsentAsync"/>) costs one more, to give back a try it took and take one as unknown.
    /// </remarks>
    public async Task<LoginLookup> BeginLoginByUserCodeAsync(
        string? customerId, string userCode, LoginSubject unknown, string tryId, DateTimeOffset now, DateTimeOffset leaseEnd, int maxFailures, CancellationToken cancellationToken)
    {
        if (customerId is null)
        {
            return new LoginLookup(null, null, unknown, await BeginLoginAsync(unknown, tryId, now, leaseEnd, maxFailures, cancellationToken));
        }

        var parts = (RedisResult[])(await redis.ScriptAsync(
            ReadAndBeginLoginScript, ReadAndBeginKeys(customerId), [0, now.ToUnixTimeMilliseconds(), maxFailures, tryId, leaseEnd.ToUnixTimeMilliseconds()]))!;
        var customer = parts[0].IsNull ? null : OpenProfile(customerId, (byte[])parts[0]!);
        var started = parts[3].IsNull ? null : (RedisResult[])parts[3]!;
        if (customer is not null && started is not null && string.Equals(customer.UserCode, userCode, StringComparison.OrdinalIgnoreCase))
        {
            var credentials = ReadCredentials(customerId, parts[1], parts[2]);
            return new LoginLookup(customer, credentials, LoginSubject.Customer(customerId), new LoginTryStart((LoginTryStatus)(int)started[0], (int)started[1]));
        }

        // A stale index entry: this user code has no customer. A try taken on the customer it names goes back uncounted.
        var release = started is not null && (LoginTryStatus)(int)started[0] == LoginTryStatus.Taken
            ? ReleaseLoginAsync(LoginSubject.Customer(customerId), tryId, CancellationToken.None)
            : Task.CompletedTask;
        var start = BeginLoginAsync(unknown, tryId, now, leaseEnd, maxFailures, cancellationToken);
        await Task.WhenAll(release, start);
        return new LoginLookup(null, null, unknown, await start);
    }

    public async Task<LoginFailure> FailLoginAsync(LoginSubject subject, string tryId, int maxFailures, CancellationToken cancellationToken)
    {
        var values = (RedisResult[])Known(await redis.ScriptAsync(FailLoginScript, LoginKeys(subject), [Ttl(subject), tryId, maxFailures]))!;
        return new LoginFailure((int)values[0], (int)values[1] == 1, (int)values[2] == 1);
    }

    public async Task<bool> SucceedLoginAsync(string customerId, string tryId, int failedBefore, string? upgradedHash, long expectedVersion, CancellationToken cancellationToken) =>
        (int)Known(await redis.ScriptAsync(
            SucceedLoginScript,
            LoginKeys(LoginSubject.Customer(customerId)),
            [0, tryId, failedBefore, upgradedHash is null ? "0" : "1", upgradedHash ?? string.Empty, expectedVersion.ToString(CultureInfo.InvariantCulture)])) == 1;

    public async Task ReleaseLoginAsync(LoginSubject subject, string tryId, CancellationToken cancellationToken) =>
        await redis.ScriptAsync(ReleaseLoginScript, LoginKeys(subject), [Ttl(subject), tryId]);

    // The two writes that change what opens the account wait for replicas (Storage:Redis:WaitReplicas)
    // before they are reported done, so a failover cannot bring back the old credentials after the
    // customer was told the new ones are in force.
    public async Task<long> RestoreWithTemporaryPasswordAsync(string customerId, byte[] temporaryPasswordMac, DateTimeOffset expiresAt, int historyDepth, string changeId, CancellationToken cancellationToken)
    {
        var version = (long)Known(await redis.ScriptAsync(
            RestoreScript,
            [CredKey(customerId), HistoryKey(customerId), ChangeKey(redis, customerId, changeId)],
            [historyDepth, Convert.ToBase64String(temporaryPasswordMac), expiresAt.ToUnixTimeMilliseconds(), (long)ChangeMemory.TotalMilliseconds,
                RedisNotificationOutbox.AnnounceChannel(redis), changeId]));
        if (version < 0)
        {
            throw new StorageUnavailableException("The change was settled as dropped before it could apply; nothing was changed.");
        }

        await redis.WaitForReplicasAsync(CredKey(customerId));
        return version;
    }

    public async Task<bool> CommitPasswordAsync(string customerId, string passwordHash, long expectedVersion, int historyDepth, string changeId, CancellationToken cancellationToken)
    {
        var committed = (int)Known(await redis.ScriptAsync(
            CommitScript,
            [CredKey(customerId), HistoryKey(customerId), ChangeKey(redis, customerId, changeId)],
            [historyDepth, passwordHash, expectedVersion.ToString(CultureInfo.InvariantCulture), (long)ChangeMemory.TotalMilliseconds,
                RedisNotificationOutbox.AnnounceChannel(redis), changeId])) == 1;
        if (committed)
        {
            await redis.WaitForReplicasAsync(CredKey(customerId));
        }

        return committed;
    }

    public async Task<bool?> CommitPasswordAfterStepAsync(
        string customerId, string passwordHash, long expectedVersion, int historyDepth, string changeId, string attemptChangeId, CancellationToken cancellationToken)
    {
        var r = (int)Known(await redis.ScriptAsync(
            CommitAfterStepScript,
            [CredKey(customerId), HistoryKey(customerId), ChangeKey(redis, customerId, changeId), ChangeKey(redis, customerId, attemptChangeId),
                StepMarkerKey(redis, customerId, attemptChangeId)],
            [historyDepth, passwordHash, expectedVersion.ToString(CultureInfo.InvariantCulture), (long)ChangeMemory.TotalMilliseconds,
                RedisNotificationOutbox.AnnounceChannel(redis), attemptChangeId]));
        if (r < 0)
        {
            return null;
        }

        if (r == 1)
        {
            await redis.WaitForReplicasAsync(CredKey(customerId));
        }

        return r == 1;
    }

    /// <summary>
    /// The marker an app step's script writes, in the customer's slot, when it used the step now for attempt
    /// <paramref name="attemptChangeId"/>; read and deleted by <see cref="CommitPasswordAfterStepAsync"/>.
    /// </summary>
    internal static RedisKey StepMarkerKey(RedisConnection connection, string customerId, string attemptChangeId) =>
        connection.Key(Tag(customerId), "stp:" + attemptChangeId);

    public async Task<bool> SettleChangeAsync(string customerId, string changeId, CancellationToken cancellationToken) =>
        (string?)await redis.ScriptAsync(SettleScript, [ChangeKey(redis, customerId, changeId)], [(long)ChangeMemory.TotalMilliseconds]) == "applied";

    /// <summary>Where the outcome of change <paramref name="changeId"/> of a customer is kept (the customer's slot).</summary>
    internal static RedisKey ChangeKey(RedisConnection connection, string customerId, string changeId) =>
        connection.Key(Tag(customerId), "chg:" + changeId);

    public async Task<DateTimeOffset> BlockRecoveryAsync(string customerId, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, CancellationToken cancellationToken, DateTimeOffset? atLeastUntil = null)
    {
        var until = Known(await redis.ScriptAsync(
            BlockRecoveryScript,
            [CredKey(customerId), redis.Key(Tag(customerId), "scratch")],
            [now.ToUnixTimeMilliseconds(), (long)firstBlock.TotalMilliseconds, (long)maxBlock.TotalMilliseconds, atLeastUntil?.ToUnixTimeMilliseconds() ?? 0]));
        return Time((string)until!)!.Value;
    }

    private async Task<CustomerRecord?> FindAsync(RedisKey indexKey)
    {
        var id = await redis.ExecuteAsync(db => db.StringGetAsync(indexKey));
        var customer = await GetAsync(id.IsNull ? DecoyId : (string)id!, CancellationToken.None);
        return id.IsNull ? null : customer;
    }

    // Two round trips whatever the index holds: the profile and the credentials share the customer's slot and are read
    // by one script once the index has named the customer (an unknown key reads those of a customer that does not
    // exist: the same commands).
    private async Task<CustomerWithCredentials?> FindWithCredentialsAsync(RedisKey indexKey, Func<CustomerRecord, bool> owns, CancellationToken cancellationToken)
    {
        var id = await redis.ExecuteAsync(db => db.StringGetAsync(indexKey));
        var customerId = id.IsNull ? DecoyId : (string)id!;
        var parts = (RedisResult[])(await redis.ScriptAsync(
            ReadWithProfileScript, [redis.Key(Tag(customerId), "profile"), CredKey(customerId), HistoryKey(customerId)], []))!;
        if (id.IsNull || parts[0].IsNull || OpenProfile(customerId, (byte[])parts[0]!) is not { } customer || !owns(customer))
        {
            return null;
        }

        return new CustomerWithCredentials(customer, ((RedisResult[])parts[1]!).Length == 0 ? null : ReadCredentials(customerId, parts[1], parts[2]));
    }

    private async Task ReleaseAsync(IEnumerable<RedisKey> keys, string customerId) =>
        await Task.WhenAll(keys.Select(key => redis.ScriptAsync(ReleaseScript, [key], [customerId])));

    private static List<RedisValue> CredentialFields(CredentialRecord c)
    {
        List<RedisValue> fields =
        [
            "state", c.State.ToString(), "failed", c.FailedLogins, "ver", c.Version, "rlo", c.RecoveryLockouts,
        ];
        if (c.PasswordHash is not null)
        {
            fields.AddRange(["pw", c.PasswordHash]);
        }

        if (c.FirstLoginPending)
        {
            fields.AddRange(["fl", 1]);
        }

        if (c.TemporaryPasswordMac is not null)
        {
            fields.AddRange(["tmp", Convert.ToBase64String(c.TemporaryPasswordMac)]);
        }

        if (c.TemporaryPasswordExpiresAt is { } tmpexp)
        {
            fields.AddRange(["tmpexp", tmpexp.ToUnixTimeMilliseconds()]);
        }

        if (c.RecoveryBlockedUntil is { } rbu)
        {
            fields.AddRange(["rbu", rbu.ToUnixTimeMilliseconds()]);
        }

        return fields;
    }

    // A mutation of an unknown customer is a bug in the caller, as in the in-memory store.
    private static RedisResult Known(RedisResult result) =>
        result.IsNull ? throw new InvalidOperationException("Unknown customer.") : result;

    private static DateTimeOffset? Time(string? unixMs) =>
        unixMs is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(unixMs, CultureInfo.InvariantCulture));

    private IEnumerable<RedisKey> IndexKeys(CustomerRecord customer) =>
        [UserCodeKey(customer.UserCode), .. customer.Cards.Select(c => CardKey(c.PanHash))];

    private static string Tag(string customerId) => "c:" + customerId;

    // A customer's tries sit in its slot beside the credentials; an unknown user code's counter has its own
    // slot, named by the keyed hash of the code (never the code in clear).
    private RedisKey[] LoginKeys(LoginSubject subject) => subject.IsCustomer
        ? [CredKey(subject.Key), redis.Key(Tag(subject.Key), "tries")]
        : [redis.Key("x:" + subject.Key, "login"), redis.Key("x:" + subject.Key, "tries")];

    private RedisKey[] ReadAndBeginKeys(string customerId) =>
        [CredKey(customerId), redis.Key(Tag(customerId), "tries"), redis.Key(Tag(customerId), "profile"), HistoryKey(customerId)];

    private static long Ttl(LoginSubject subject) => subject.IsCustomer ? 0 : Math.Max(1, (long)subject.Lifetime.TotalMilliseconds);

    private RedisKey CredKey(string customerId) => CredentialsKey(redis, customerId);

    /// <summary>The credentials hash (its <c>ver</c> field), for another store's script that checks the version in the customer's slot.</summary>
    internal static RedisKey CredentialsKey(RedisConnection redis, string customerId) => redis.Key(Tag(customerId), "cred");

    private RedisKey HistoryKey(string customerId) => redis.Key(Tag(customerId), "history");

    // User codes match case-insensitively, so the index holds one spelling.
    private RedisKey UserCodeKey(string userCode) => redis.Key("u:" + userCode.ToUpperInvariant(), "customer");

    private RedisKey CardKey(string panHash) => redis.Key("k:" + panHash, "customer");
}
