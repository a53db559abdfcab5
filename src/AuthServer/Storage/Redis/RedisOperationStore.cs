using System.Text.Json;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// Operations on Redis: the record at <c>{prefix}{op:&lt;id&gt;}:operation</c> (a hash: <c>rec</c> the
/// record, <c>st</c> its state, <c>ref</c> its reference, <c>cc</c> call-centre card checks used) and, for its 8-digit
/// reference, a reservation at <c>{prefix}{ref:&lt;reference&gt;}:reference</c> naming the holder.
/// </summary>
/// <remarks>
/// The two keys hash to different Cluster slots (a reference is drawn at random, so it cannot share
/// the operation's tag), and a script may touch one slot only. Creating and completing are therefore
/// two steps, each one atomic script, ordered so that a failure between them never lets two open
/// operations hold one reference:
/// <list type="number">
/// <item>Create reserves the reference (refused while an open, unexpired operation holds it) and writes
/// the record, both sent in one round trip; a record written beside a refused reservation is deleted
/// again. If the write never happens, the reservation names an operation that does not exist: the
/// reference stays taken until the reservation's expiry, nothing more. Repeating the call with the
/// same operation is harmless (the holder may re-reserve; the record is written only if absent).</item>
/// <item>Complete moves the record out of Pending, then marks the reservation closed if it still names
/// that operation. A lost second step only keeps the reference taken until its expiry; the next
/// completion attempt of the same operation repairs it. A signature does not complete its operation: the first reader
/// that finds its change applied records it Signed (OperationLifecycle.CommitBesideHoldAsync), and its reference stays
/// held until then or until its expiry.</item>
/// </list>
/// The reservation may also come first, alone (<see cref="TryReserveReferenceAsync"/>), and the record later
/// (<see cref="CreateReservedAsync"/>): until then the reference leads to no operation, and a reservation whose record is
/// never written is given back (<see cref="ReleaseReferenceAsync"/>) or, if that is lost too, holds the reference until
/// its expiry, nothing more.
/// </remarks>
public sealed class RedisOperationStore(RedisConnection redis, TimeProvider time) : IOperationStore
{
    /// <summary>Kept past expiry so a late signature answers "expired", not "not found".</summary>
    internal static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    // ARGV: operation id, its expiry (µs), now (µs), TTL (ms). Mirrors OperationRules.IsReferenceFree: free if
    // absent, held by this operation, closed, or past its holder's expiry, judged from the caller's clock.
    private const string ReserveScript = """
        local h = redis.call('HMGET', KEYS[1], 'id', 'exp', 'open')
        if h[1] and h[1] ~= ARGV[1] and h[3] == '1' and tonumber(h[2]) > tonumber(ARGV[3]) then return 0 end
        redis.call('HSET', KEYS[1], 'id', ARGV[1], 'exp', ARGV[2], 'open', '1')
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    // ARGV: record (JSON), state, reference, TTL (ms). Returns 1 if written now, 0 if it was there.
    private const string WriteScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('HSET', KEYS[1], 'rec', ARGV[1], 'st', ARGV[2], 'ref', ARGV[3])
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
          return 1
        end
        return 0
        """;

    // Mirrors OperationRules.CanComplete as complete(key, state) (state final: checked before the call,
    // OperationRules.ThrowIfNotFinal): only a pending operation completes. Returns {completed (1/0), reference or empty
    // if no such operation}.
    private const string CompleteFunction = """
        local function complete(key, state)
        local c = redis.call('HMGET', key, 'st', 'ref')
        if not c[1] then return {0, ''} end
        if c[1] ~= 'Pending' then return {0, c[2]} end
        redis.call('HSET', key, 'st', state)
        return {1, c[2]}
        end
        """;

    // ARGV: new state.
    private const string CompleteScript = CompleteFunction + "\nreturn complete(KEYS[1], ARGV[1])";

    // Mirrors OperationRules.TakeCardCheck as takecheck(key, max). Returns {status (1 taken, 0 exhausted, -1 no such
    // operation), checks used}.
    private const string TakeCardCheckFunction = """
        local function takecheck(key, max)
        if redis.call('EXISTS', key) == 0 then return {-1, 0} end
        local used = tonumber(redis.call('HGET', key, 'cc') or '0')
        if used >= tonumber(max) then return {0, used} end
        return {1, redis.call('HINCRBY', key, 'cc', 1)}
        end
        """;

    // ARGV: max checks.
    private const string TakeCardCheckScript = TakeCardCheckFunction + "\nreturn takecheck(KEYS[1], ARGV[1])";

    // KEYS: the operation, its challenge (one slot: OperationLifecycle groups the challenge with the operation). ARGV:
    // max checks, reissue (1/0), then RedisChallengeStore.ReissueFunction's arguments. The check is taken first
    // (OperationRules.TakeCardCheck) and the code reissued (ChallengeRules.Reissue) only if it was taken and the card
    // matched: no code without a check, and no check left half-spent by a failure between two steps.
    private const string TakeCardCheckAndReissueScript = TakeCardCheckFunction + "\n" + RedisChallengeStore.ReissueFunction + """

        local t = takecheck(KEYS[1], ARGV[1])
        if t[1] ~= 1 or ARGV[2] ~= '1' then return {t[1], t[2]} end
        local a = {}
        for i = 3, #ARGV do a[i - 2] = ARGV[i] end
        return {t[1], t[2], challenge_reissue(KEYS[2], a)}
        """;

    // KEYS: the operation, its challenge (one slot, as above). ARGV: the final state. ChallengeRules.Close first: a code
    // already used belongs to a signature, which decides the operation, so nothing is completed; otherwise the
    // operation completes (OperationRules.CanComplete) in the same step. Returns {closed (1/0), completed (1/0),
    // reference or empty}.
    private const string CloseCodeAndCompleteScript = RedisChallengeStore.CloseFunction + "\n" + CompleteFunction + """

        if challenge_close(KEYS[2]) == 0 then return {0, 0, ''} end
        local r = complete(KEYS[1], ARGV[1])
        return {1, r[1], r[2]}
        """;

    // IOperationStore.TrySmsCodeAsync: WrongCodeBudget.TryAsync's take, evaluation and settle on the operation's SMS code,
    // and the operation's end when the try closes it, in one script. Every key is in the customer's slot (the operation's
    // id names the slot twin of the customer's tag, OperationLifecycle.Group; the signing budget and the authenticator
    // carry the customer's tag), so on Cluster it is one node's atomic step: no code is evaluated before its try is taken,
    // and no try is left pending by a node that dies between steps.
    // KEYS: the signing budget, the challenge, the operation, the customer's confirmed authenticator.
    // ARGV: presented MAC, now (µs), max attempts per code, max total failures, window, pending timeout (µs), wrong-code
    // limit, token, held (1: the unit was taken by an earlier run that answered 'enrolled'). Returns {'busy'}, {'exhausted', frees at (µs)}, {'enrolled'} (the unit taken, the code not the SMS code of a usable challenge, nothing counted) or
    // {'tried', status, attempts remaining, just closed, counted, just filled, full until (µs)}.
    private const string TrySmsCodeScript =
        RedisWrongCodeLedger.TakeFunction + RedisWrongCodeLedger.SettleFunction + RedisChallengeStore.VerifyFunction +
        RedisChallengeStore.VerifyIfRightFunction + RedisChallengeStore.CloseFunction + CompleteFunction + """

        local now = tonumber(ARGV[2])
        local window, staleBefore, limit = tonumber(ARGV[5]), now - tonumber(ARGV[6]), tonumber(ARGV[7])
        local held = ARGV[9] == '1'
        -- WrongCodeBudget.TryAsync: the try is taken before the code is evaluated (by this script's earlier run when held).
        local take = {1}
        if not held then take = wrong_code_take({KEYS[1]}, now, window, staleBefore, limit, ARGV[8]) end
        if take[1] ~= 1 then
          -- Busy: parallel tries may still give their units back; the caller waits for them (nothing taken here).
          if take[2] == 1 then return {'busy'} end
          -- Full: nothing evaluated, and the operation ends (OperationLifecycle.EndAsync): its code closed, then its state,
          -- unless a code already used belongs to a signature, which decides the operation.
          if challenge_close(KEYS[2]) == 1 then complete(KEYS[3], 'Expired') end
          return {'exhausted', take[3]}
        end
        -- An app enrolled: the right SMS code of a usable challenge signs here, as without an app (ChallengeRules.VerifyIfRight:
        -- under the unit just taken); any other code may be a time step of the app, which only the server can check (the
        -- secret is sealed), so it is left to the server with nothing evaluated or counted on the challenge.
        local v
        if not held and redis.call('EXISTS', KEYS[4]) == 1 then
          if not challenge_verify_if_right(KEYS[2], ARGV[1], now) then return {'enrolled'} end
          v = {'Verified', 0, 0}
        else
          -- Held: an app is enrolled and the code matched none of its steps; it counts while the SMS code is dead too.
          v = challenge_verify(KEYS[2], ARGV[1], now, tonumber(ARGV[3]), tonumber(ARGV[4]), held)
        end
        local counted = v[4] == 1
        local s = wrong_code_settle({KEYS[1]}, now, window, staleBefore, limit, ARGV[8], counted)
        if s[1] == 1 then
          -- The wrong code that fills the budget ends the operation, as a full budget does.
          if challenge_close(KEYS[2]) == 1 then complete(KEYS[3], 'Expired') end
        elseif v[3] == 1 then
          -- The try that burned the challenge for good: the operation can no longer be signed.
          complete(KEYS[3], 'Expired')
        end
        local c = 0
        if counted then c = 1 end
        return {'tried', v[1], v[2], v[3], c, s[1], s[2]}
        """;

    // IOperationStore.UseAppStepAsync: RedisAuthenticatorStore's use of a time step and WrongCodeBudget's settle of the
    // try's unit, not counted, then, only if the step was used now, ChallengeRules.AcceptOtherFactor on the operation's
    // SMS challenge, in one script of the customer's slot (the challenge is kept under the operation's slot twin).
    // KEYS: the authenticator, the signing budget, the challenge. ARGV: authenticator id, time step, now, window, pending
    // timeout (µs), limit, token. Returns {0} for a replay (nothing ended) or {1, the challenge's status}.
    private const string UseAppStepScript =
        RedisWrongCodeLedger.SettleFunction + RedisAuthenticatorStore.UseStepFunction + RedisChallengeStore.AcceptOtherFactorFunction + """
        local used = authenticator_use_step(KEYS[1], ARGV[1], ARGV[2])
        local now = tonumber(ARGV[3])
        wrong_code_settle({KEYS[2]}, now, tonumber(ARGV[4]), now - tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], false)
        if used == 0 then return {0} end
        local status = challenge_accept_other_factor(KEYS[3])
        -- The mark that lets this attempt's guarded commit, sent right behind in the same pipeline, apply
        -- (RedisCustomerStore.CommitAfterStepScript); only a step used now that signs leaves it.
        if KEYS[4] and status == 'Verified' then redis.call('SET', KEYS[4], '1', 'PX', 60000) end
        return {1, status}
        """;

    // ARGV: operation id.
    private const string ReleaseScript = """
        if redis.call('HGET', KEYS[1], 'id') == ARGV[1] then redis.call('HSET', KEYS[1], 'open', '0') end
        return 1
        """;

    private static readonly RedisValue[] Fields = ["rec", "st", "cc"];

    public async Task<bool> TryCreateAsync(OperationRecord operation, CancellationToken cancellationToken)
    {
        // Both steps are sent together (one round trip). Redis runs them in the order sent (the reservation first)
        // on one node; on Cluster they may run in either order, which the order in the remarks does not need: until
        // the reservation names it, a record is reached by no one but the caller, who has not yet been answered.
        var reserved = ReserveAsync(operation.Reference, operation.Id, operation.ExpiresAt);
        var written = WriteAsync(operation);
        await Task.WhenAll(reserved, written);
        if (await reserved)
        {
            return true;
        }

        // The reference is another open operation's: the record written now under this (random, never answered) id
        // goes, so that no pending operation claims a reference it does not hold.
        if (await written)
        {
            await redis.ExecuteAsync(db => db.KeyDeleteAsync(OperationKey(operation.Id)));
        }

        return false;
    }

    public Task<bool> TryReserveReferenceAsync(string reference, string operationId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        ReserveAsync(reference, operationId, expiresAt);

    public Task CreateReservedAsync(OperationRecord operation, CancellationToken cancellationToken) => WriteAsync(operation);

    public Task ReleaseReferenceAsync(string reference, string operationId, CancellationToken cancellationToken) =>
        redis.ScriptAsync(ReleaseScript, [ReferenceKey(reference)], [operationId]);

    public async Task<OperationRecord?> GetAsync(string operationId, CancellationToken cancellationToken)
    {
        var v = await redis.ExecuteAsync(db => db.HashGetAsync(OperationKey(operationId), Fields));
        return v[0].IsNull
            ? null
            : JsonSerializer.Deserialize<OperationRecord>((string)v[0]!)! with
            {
                State = Enum.Parse<OperationState>((string)v[1]!),
                CardChecksUsed = v[2].IsNull ? 0 : (int)v[2],
            };
    }

    public async Task<OperationRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken)
    {
        // An unknown reference reads an operation that does not exist: two round trips either way.
        var id = await FindIdByReferenceAsync(reference, cancellationToken);
        var op = await GetAsync(id ?? "~", cancellationToken);
        return id is null ? null : op;
    }

    public async Task<string?> FindIdByReferenceAsync(string reference, CancellationToken cancellationToken) =>
        (string?)await redis.ExecuteAsync(db => db.HashGetAsync(ReferenceKey(reference), "id"));

    public async Task<CardCheckTake> TryTakeCardCheckAsync(string operationId, int max, CancellationToken cancellationToken) =>
        ReadTake((RedisResult[])(await redis.ScriptAsync(TakeCardCheckScript, [OperationKey(operationId)], [max]))!);

    public async Task<(CardCheckTake Take, ReissueResult? Reissue)> TryTakeCardCheckAndReissueAsync(
        string operationId, int max, string challengeId, ChallengeReissue? reissue, CancellationToken cancellationToken)
    {
        RedisValue[] args = reissue is null
            ? [max, 0]
            : [max, 1, .. RedisChallengeStore.ReissueArguments(reissue.NewMac, reissue.Now, reissue.Limits)];
        var r = (RedisResult[])(await redis.ScriptAsync(
            TakeCardCheckAndReissueScript, [OperationKey(operationId), RedisChallengeStore.ChallengeKey(redis, challengeId)], args))!;
        return (ReadTake(r), r.Length > 2 ? RedisChallengeStore.ReadReissue(challengeId, (RedisResult[])r[2]!) : null);
    }

    public async Task<CodeClosure> CloseCodeAndCompleteAsync(
        string operationId, string challengeId, OperationState state, CancellationToken cancellationToken, bool releaseReference = true)
    {
        OperationRules.ThrowIfNotFinal(state);
        var r = (RedisResult[])(await redis.ScriptAsync(
            CloseCodeAndCompleteScript, [OperationKey(operationId), RedisChallengeStore.ChallengeKey(redis, challengeId)], [state.ToString()]))!;
        if (releaseReference)
        {
            await ReleaseAfterCompletionAsync(operationId, (string)r[2]!);
        }

        return new CodeClosure((long)r[0] == 1, (long)r[1] == 1);
    }

    public async Task<OperationCodeStep> TrySmsCodeAsync(OperationSmsCode code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        var r = (RedisResult[])(await redis.ScriptAsync(
            TrySmsCodeScript,
            [
                RedisWrongCodeLedger.ScopeKey(redis, code.Scope),
                RedisChallengeStore.ChallengeKey(redis, code.ChallengeId),
                OperationKey(code.OperationId),
                RedisAuthenticatorStore.ConfirmedKey(redis, code.CustomerId),
            ],
            [
                code.PresentedMac,
                RedisTime.ToMicros(code.Now),
                code.Limits.MaxAttemptsPerCode,
                code.Limits.MaxTotalFailures,
                code.Window.Ticks / TimeSpan.TicksPerMicrosecond,
                WrongCodeRules.PendingTimeout.Ticks / TimeSpan.TicksPerMicrosecond,
                code.WrongCodeLimit,
                code.Token,
                code.UnitHeld ? 1 : 0,
            ]))!;
        switch ((string)r[0]!)
        {
            case "busy":
                return new OperationCodeStep(OperationCodeStepStatus.Busy);
            case "enrolled":
                return new OperationCodeStep(OperationCodeStepStatus.OtherFactorEnrolled);
            case "exhausted":
                return new OperationCodeStep(
                    OperationCodeStepStatus.Tried, new CodeTry(new VerifyResult(VerifyStatus.Closed), Exhausted: true, FullUntil: RedisTime.FromMicros((long)r[1])));
            default:
                var result = new VerifyResult(Enum.Parse<VerifyStatus>((string)r[1]!), (int)r[2], (int)r[3] == 1, (int)r[4] == 1);
                var fullUntil = (long)r[6];
                return new OperationCodeStep(
                    OperationCodeStepStatus.Tried,
                    new CodeTry(result, JustFilled: (int)r[5] == 1, FullUntil: fullUntil == 0 ? null : RedisTime.FromMicros(fullUntil)));
        }
    }

    public async Task<VerifyResult?> UseAppStepAsync(
        string customerId, string challengeId, string authenticatorId, long timeStep, WrongCodeUnit unit, DateTimeOffset now, CancellationToken cancellationToken,
        string? attemptChangeId = null)
    {
        ArgumentNullException.ThrowIfNull(unit);
        CustomerScopes.ThrowUnlessIn(customerId, unit.Scopes);
        RedisKey[] keys = [RedisAuthenticatorStore.ConfirmedKey(redis, customerId), RedisWrongCodeLedger.ScopeKey(redis, unit.Scopes[0]), RedisChallengeStore.ChallengeKey(redis, challengeId)];
        if (attemptChangeId is not null)
        {
            keys = [.. keys, RedisCustomerStore.StepMarkerKey(redis, customerId, attemptChangeId)];
        }

        var r = (RedisResult[])(await redis.ScriptAsync(
            UseAppStepScript, keys, RedisAuthenticatorStore.UseStepArgs(authenticatorId, timeStep, unit, now)))!;
        return (long)r[0] == 1 ? new VerifyResult(Enum.Parse<VerifyStatus>((string)r[1]!)) : null;
    }

    public async Task<bool> TryCompleteAsync(string operationId, OperationState state, CancellationToken cancellationToken)
    {
        OperationRules.ThrowIfNotFinal(state);
        var r = (RedisResult[])(await redis.ScriptAsync(CompleteScript, [OperationKey(operationId)], [state.ToString()]))!;
        await ReleaseAfterCompletionAsync(operationId, (string)r[1]!);
        return (long)r[0] == 1;
    }

    // After the completion's script, never with it (another slot; the remarks' order): also when the completion changed
    // nothing, which repairs a release lost by an earlier completion.
    private async Task ReleaseAfterCompletionAsync(string operationId, string reference)
    {
        if (reference.Length > 0)
        {
            await redis.ScriptAsync(ReleaseScript, [ReferenceKey(reference)], [operationId]);
        }
    }

    private static CardCheckTake ReadTake(RedisResult[] r) => (long)r[0] switch
    {
        1 => new CardCheckTake(CardCheckTakeStatus.Taken, (int)(long)r[1]),
        0 => new CardCheckTake(CardCheckTakeStatus.Exhausted, (int)(long)r[1]),
        _ => new CardCheckTake(CardCheckTakeStatus.NotFound, 0),
    };

    private async Task<bool> ReserveAsync(string reference, string operationId, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        return (long)await redis.ScriptAsync(ReserveScript, [ReferenceKey(reference)],
            [operationId, RedisTime.ToMicros(expiresAt), RedisTime.ToMicros(now), RedisTime.TtlMilliseconds(expiresAt, now, Retention)]) == 1;
    }

    // 1 if written now, 0 if it was there.
    private async Task<bool> WriteAsync(OperationRecord operation) =>
        (long)await redis.ScriptAsync(WriteScript, [OperationKey(operation.Id)],
            [JsonSerializer.Serialize(operation), operation.State.ToString(), operation.Reference, RedisTime.TtlMilliseconds(operation.ExpiresAt, time.GetUtcNow(), Retention)]) == 1;

    // In the operation's group (OperationLifecycle.Group), where its challenge is kept too: the slot twin of its customer's
    // tag, shared by other operations (so the id follows), or for an id of an earlier version its own tag.
    private RedisKey OperationKey(string id) =>
        OperationLifecycle.HasTwin(id) ? redis.Key(OperationLifecycle.Group(id), "op:" + id) : redis.Key(OperationLifecycle.Group(id), "operation");

    private RedisKey ReferenceKey(string reference) => redis.Key("ref:" + reference, "reference");
}
