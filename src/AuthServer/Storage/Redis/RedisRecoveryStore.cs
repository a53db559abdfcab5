using System.Globalization;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Recovery;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// Recoveries and card blocks on Redis, both ephemeral (TTL). Expiry is judged from the clock the
/// store is given; the TTL (logical expiry plus <see cref="TtlMargin"/>) only collects the garbage.
/// <list type="bullet">
/// <item><c>{r:id}:record</c> — string: the state's letter (<c>O</c>pen, <c>C</c>ompleted, <c>B</c>locked), then, each after a
/// line feed, the customer id (empty for a decoy), the card's and the document's keyed hashes (the document empty on a
/// record from before documents were kept), the language tag, the channel, created and expires (Unix ms)
/// (<see cref="RecoveryRecordText"/>)</item>
/// <item><c>{k:cardHash}:block</c> — hash: <c>until</c>, <c>count</c>; <c>{group}:kb:cardHash</c> for a card grouped with
/// its document (<see cref="GroupedId"/>), in the slot of the group's challenges and wrong-code counts, so that
/// <see cref="TryCodeAsync"/> is one script</item>
/// </list>
/// </summary>
public sealed class RedisRecoveryStore(RedisConnection redis, TimeProvider time) : IRecoveryStore
{
    /// <summary>How long a key outlives its logical expiry, so a clock skew between nodes never drops a live record.</summary>
    public static readonly TimeSpan TtlMargin = TimeSpan.FromMinutes(5);

    // IRecoveryStore.CreateWithCodeAsync: the record and the challenge, both or neither. KEYS: the record, the challenge
    // (one slot: the record's tag is the slot twin of the challenge's group). ARGV: [1] the record, [2] its TTL (ms),
    // [3..9] the challenge's fields as RedisChallengeStore's CreateScript takes them, [10] its TTL (ms). The challenge is
    // looked for first, so that SET NX, which refuses a taken record id, leaves nothing written either way.
    private const string CreateWithCodeScript = """
        if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
        redis.call('HSET', KEYS[2], 'mac', ARGV[3], 'exp', ARGV[4], 'rat', ARGV[5], 'rs', ARGV[6], 'cf', ARGV[7], 'tf', ARGV[8], 'st', ARGV[9])
        redis.call('PEXPIRE', KEYS[2], ARGV[10])
        return 1
        """;

    // IRecoveryStore.ReissueCodeAsync: GetCardBlockAsync's check, then ChallengeRules.Reissue (RedisChallengeStore's
    // function), one step on keys of one slot (the recovery's group). KEYS: the card's block, the challenge. ARGV: [1] now
    // (ms), then RedisChallengeStore.ReissueArguments. Returns {'Blocked'} or the reissue function's answer.
    private const string ReissueCodeScript = RedisChallengeStore.ReissueFunction + """
        local blockedUntil = redis.call('HGET', KEYS[1], 'until')
        if blockedUntil and tonumber(blockedUntil) > tonumber(ARGV[1]) then return {'Blocked'} end
        return challenge_reissue(KEYS[2], {unpack(ARGV, 2)})
        """;

    // Changes the state (the record's first byte) and nothing else, the TTL included. SETRANGE alone would create a
    // missing record.
    private const string SetStateScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('SETRANGE', KEYS[1], 0, ARGV[1])
        return 1
        """;

    // blockCard(key, now, first block, max block, retention, at least until (0: none)), times and spans in ms. Mirrors
    // RecoveryBlock.Escalate through the shared escalate() of RedisBlockEscalation. The count outlives the block by the
    // retention (RecoveryBlock.CountRetention), so a card blocked again soon after gets a longer block.
    private const string BlockCardFunction = $"""
        {RedisBlockEscalation.Lua}
        local function blockCard(key, now, first, max, retention, atLeast)
          local untilNumber, count = escalate(tonumber(redis.call('HGET', key, 'count') or '0'), now, first, max, atLeast)
          local untilMs = string.format('%.0f', untilNumber)
          redis.call('HSET', key, 'until', untilMs, 'count', count)
          redis.call('PEXPIRE', key, string.format('%.0f', untilNumber - now + retention))
          return untilMs
        end
        """;

    // ARGV: now, first block, max block, retention, at least until (0: none) (ms).
    private const string BlockCardScript = BlockCardFunction +
        "\nreturn blockCard(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))";

    // IRecoveryStore.TryCodeAsync: the existing rule mirrors composed into one step on keys of one slot (the recovery's
    // group). KEYS: the card's block, the challenge, then the wrong-code scopes. ARGV: [1] now (ms), [2] now (µs),
    // [3] window (µs), [4] pending timeout (µs), [5] limit, [6] token, [7] presented MAC, [8] max attempts per code,
    // [9] max total failures, [10] first block (ms), [11] max block (ms), [12] block count retention (ms).
    // Returns {'Refused'}, {'Exhausted', frees at (µs)} or {'Tried', status, attempts remaining, just closed, counted,
    // just filled, full until (µs, 0: none), card blocked until (ms, '0': not blocked by this try)}.
    private const string TryCodeScript = BlockCardFunction + "\n" + RedisWrongCodeLedger.TakeFunction + "\n" + RedisWrongCodeLedger.SettleFunction + "\n" +
        RedisChallengeStore.VerifyFunction + "\n" + """
        local now = tonumber(ARGV[1])
        -- GetCardBlockAsync: a blocked card takes no try and evaluates nothing.
        local blockedUntil = redis.call('HGET', KEYS[1], 'until')
        if blockedUntil and tonumber(blockedUntil) > now then return {'Refused'} end
        local scopes = {}
        for i = 3, #KEYS do scopes[#scopes + 1] = KEYS[i] end
        local nowMicros, window, limit, token = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5]), ARGV[6]
        local staleBefore = nowMicros - tonumber(ARGV[4])
        -- WrongCodeRules.Take: the unit is taken before the code is evaluated; a full scope evaluates nothing.
        local taken = wrong_code_take(scopes, nowMicros, window, staleBefore, limit, token)
        if taken[1] == 0 then return {'Exhausted', taken[3]} end
        -- ChallengeRules.Verify (a recovery's code has no other factor: nothing counts while the code is dead).
        local v = challenge_verify(KEYS[2], ARGV[7], nowMicros, tonumber(ARGV[8]), tonumber(ARGV[9]), false)
        -- WrongCodeRules.Settle: kept as a wrong code only when the code was evaluated and wrong.
        local s = wrong_code_settle(scopes, nowMicros, window, staleBefore, limit, token, v[4] == 1)
        -- RecoveryFlow.ConfirmAsync: the try that closes the challenge or fills a scope blocks the card (BlockCardAsync),
        -- at least until the full scope frees a try.
        local cardUntil = '0'
        if v[3] == 1 or s[1] == 1 then
          cardUntil = blockCard(KEYS[1], now, tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12]), math.floor(tonumber(s[2]) / 1000))
        end
        return {'Tried', v[1], v[2] or 0, v[3] or 0, v[4] or 0, s[1], s[2], cardUntil}
        """;


    /// <remarks>
    /// One plain <c>SET NX PX</c>: a StartRecovery, real or decoy, writes its record with one command that redis-server
    /// runs without a script (a hash needed a script: EXISTS, HSET, PEXPIRE). NX refuses to overwrite: a recovery id is
    /// a fresh random token, so a record already there is a collision, never a record to replace.
    /// </remarks>
    public async Task CreateAsync(RecoveryRecord recovery, CancellationToken cancellationToken)
    {
        var ttl = TimeSpan.FromMilliseconds(Ttl(recovery.ExpiresAt - time.GetUtcNow()));
        if (!await redis.ExecuteAsync(db => db.StringSetAsync(RecoveryKey(recovery.Id), RecoveryRecordText.Write(recovery), ttl, When.NotExists)))
        {
            throw new InvalidOperationException("Recovery id collision.");
        }
    }

    /// <remarks>
    /// One script instead of a <c>SET NX PX</c> beside the challenge's create script: StartRecovery sends one command
    /// fewer, and the server completes one reply fewer. The challenge is written as <see cref="RedisChallengeStore"/>
    /// writes it (the same hash, fields and TTL), under the key it reads it by.
    /// </remarks>
    public async Task CreateWithCodeAsync(RecoveryRecord recovery, Challenge challenge, CancellationToken cancellationToken)
    {
        // Cluster safety: the two keys of the script must hash to one slot.
        if (!RecoveryIds.SharesSlot(recovery.Id, challenge.Id))
        {
            throw new ArgumentException("The recovery's id does not name its challenge's group.", nameof(recovery));
        }

        var now = time.GetUtcNow();
        if ((long)await redis.ScriptAsync(CreateWithCodeScript, [RecoveryKey(recovery.Id), RedisChallengeStore.ChallengeKey(redis, challenge.Id)],
            [
                RecoveryRecordText.Write(recovery),
                Ttl(recovery.ExpiresAt - now),
                .. RedisChallengeStore.CreateArguments(challenge, now),
            ]) != 1)
        {
            throw new InvalidOperationException("Recovery id collision.");
        }
    }

    public async Task<RecoveryRecord?> GetAsync(string recoveryId, CancellationToken cancellationToken)
    {
        var value = await redis.ExecuteAsync(db => db.StringGetAsync(RecoveryKey(recoveryId)));
        if (value.IsNull)
        {
            return null;
        }

        var recovery = RecoveryRecordText.Read(recoveryId, (string)value!);
        return recovery.ExpiresAt > time.GetUtcNow() ? recovery : null;
    }

    public async Task SetStateAsync(string recoveryId, RecoveryState state, CancellationToken cancellationToken)
    {
        if ((int)await redis.ScriptAsync(SetStateScript, [RecoveryKey(recoveryId)], [RecoveryRecordText.StateLetter(state)]) == 0)
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

    public async Task<ReissueResult?> ReissueCodeAsync(string card, string challengeId, ChallengeReissue reissue, CancellationToken cancellationToken)
    {
        // Cluster safety: the script's two keys must be in one slot (their group's).
        if (!GroupedId.SameGroup(card, challengeId))
        {
            throw new ArgumentException("The card and the challenge are not in one group.", nameof(card));
        }

        var r = (RedisResult[])(await redis.ScriptAsync(ReissueCodeScript, [BlockKey(card), RedisChallengeStore.ChallengeKey(redis, challengeId)],
        [
            reissue.Now.ToUnixTimeMilliseconds(),
            .. RedisChallengeStore.ReissueArguments(reissue.NewMac, reissue.Now, reissue.Limits),
        ]))!;
        return (string)r[0]! == "Blocked" ? null : RedisChallengeStore.ReadReissue(challengeId, r);
    }

    public async Task<RecoveryCodeTried> TryCodeAsync(RecoveryCodeTry codeTry, CancellationToken cancellationToken)
    {
        var t = codeTry;
        var keys = new RedisKey[2 + t.Scopes.Count];
        keys[0] = BlockKey(t.Card);
        keys[1] = RedisChallengeStore.ChallengeKey(redis, t.ChallengeId);
        for (var i = 0; i < t.Scopes.Count; i++)
        {
            keys[2 + i] = RedisWrongCodeLedger.ScopeKey(redis, t.Scopes[i]);
        }

        var r = (RedisResult[])(await redis.ScriptAsync(TryCodeScript, keys,
        [
            t.Now.ToUnixTimeMilliseconds(),
            RedisTime.ToMicros(t.Now),
            t.WrongCodeWindow.Ticks / TimeSpan.TicksPerMicrosecond,
            WrongCodeRules.PendingTimeout.Ticks / TimeSpan.TicksPerMicrosecond,
            t.WrongCodeLimit,
            t.Token,
            t.PresentedMac,
            t.Limits.MaxAttemptsPerCode,
            t.Limits.MaxTotalFailures,
            Ms(t.FirstBlock),
            Ms(t.MaxBlock),
            Ms(RecoveryBlock.CountRetention(t.MaxBlock)),
        ]))!;
        switch ((string)r[0]!)
        {
            case "Refused":
                return new RecoveryCodeTried(new CodeTry(new VerifyResult(VerifyStatus.Closed), Refused: true), null);
            case "Exhausted":
                return new RecoveryCodeTried(new CodeTry(new VerifyResult(VerifyStatus.Closed), Exhausted: true, FullUntil: RedisTime.FromMicros((long)r[1])), null);
        }

        var result = new VerifyResult(Enum.Parse<VerifyStatus>((string)r[1]!), (int)r[2], (int)r[3] == 1, (int)r[4] == 1);
        var fullUntil = (long)r[6];
        var cardUntil = (string)r[7]!;
        return new RecoveryCodeTried(
            new CodeTry(result, JustFilled: (long)r[5] == 1, FullUntil: fullUntil == 0 ? null : RedisTime.FromMicros(fullUntil)),
            cardUntil == "0" ? null : Time(cardUntil));
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

    // An id that names a slot twin (RecoveryIds) is kept under the twin's tag, in its group's slot beside its challenge;
    // any other id (the tests' own, or one from before) under its own tag. "record", not the "recovery" of the hash an
    // earlier layout kept: a node never reads a key of the other type (docs/operations.md, "Key layout").
    private RedisKey RecoveryKey(string recoveryId) =>
        RecoveryIds.TryTwin(recoveryId, out var twin) ? redis.Key(SlotTwins.Tag(twin), "rec:" + recoveryId) : redis.Key("r:" + recoveryId, "record");

    // A card grouped with its recovery's document (GroupedId) is blocked in the group's slot, beside its challenges and
    // wrong-code counts; an ungrouped one in the card's own slot.
    private RedisKey BlockKey(string cardHash) =>
        GroupedId.TrySplit(cardHash, out var card, out var group) ? redis.Key(group, "kb:" + card) : redis.Key("k:" + cardHash, "block");
}
