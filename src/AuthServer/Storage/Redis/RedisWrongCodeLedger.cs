using Recovery.AuthServer.Otp;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// The wrong-code ledger on Redis: one sorted set per scope at <c>{prefix}{wc}:&lt;scope&gt;</c>, members
/// <c>p:&lt;token&gt;</c> (a try being evaluated) or <c>c:&lt;token&gt;</c> (a wrong code), scored by the time
/// of the try in microseconds, expiring a minute after the window.
/// </summary>
/// <remarks>
/// Every scope shares the one tag <c>{wc}</c> (but one opening with a customer's tag, see <see cref="ScopeKey"/>), so the scopes of one try (a card and a document) sit in one
/// Cluster slot and one script takes from all or none, as the rate limiter's <c>{rl}</c> does. Scope names
/// hold no secret in clear: cards and documents are keyed hashes, customers are their ids. The rules are
/// <see cref="WrongCodeRules"/>'s: each script mirrors one of its functions (the comments name it), and the table
/// of cases in tests/Shared/Otp/WrongCodeRuleCases.cs runs on the functions and on this ledger alike.
/// </remarks>
public sealed class RedisWrongCodeLedger(RedisConnection redis) : IWrongCodeLedger
{
    // WrongCodeRules.Take, as a Lua function that other scripts of one slot compose (RedisAuthenticatorConfirmationStore).
    // keys: the scopes' sorted sets; times in µs. Returns {1} when taken, else {0, busy (1/0), frees at (µs)}.
    internal const string TakeFunction = """
        local function wrong_code_take(keys, now, window, staleBefore, limit, token)
          local refused, busy, frees = false, 0, 0
          for i = 1, #keys do
            -- Take: a scope holding the limit inside the window refuses; busy while one of its tries is pending and
            -- not stale; it frees a try when its oldest entry leaves the window (the latest such time over the scopes).
            redis.call('ZREMRANGEBYSCORE', keys[i], '-inf', string.format('%.0f', now - window))
            if redis.call('ZCARD', keys[i]) >= limit then
              refused = true
              local entries = redis.call('ZRANGE', keys[i], 0, -1, 'WITHSCORES')
              for j = 1, #entries, 2 do
                if string.sub(entries[j], 1, 2) == 'p:' and tonumber(entries[j + 1]) > staleBefore then busy = 1 end
              end
              frees = math.max(frees, tonumber(entries[2]) + window)
            end
          end
          if refused then return {0, busy, string.format('%.0f', frees)} end
          -- Take: otherwise a pending entry in every scope (all or none).
          for i = 1, #keys do
            redis.call('ZADD', keys[i], string.format('%.0f', now), 'p:' .. token)
            redis.call('PEXPIRE', keys[i], math.ceil(window / 1000) + 60000)
          end
          return {1}
        end

        """;

    // WrongCodeRules.Settle, as a Lua function (see TakeFunction). counted: true or false.
    // Returns {just filled (1/0), full until (µs, 0 when no scope is full)}.
    internal const string SettleFunction = """
        local function wrong_code_settle(keys, now, window, staleBefore, limit, token, counted)
          local justFilled, fullUntil = 0, 0
          for i = 1, #keys do
            -- Settle: the window first; a try that has left it is gone, with nothing left to settle.
            redis.call('ZREMRANGEBYSCORE', keys[i], '-inf', string.format('%.0f', now - window))
            local at = redis.call('ZSCORE', keys[i], 'p:' .. token)
            if at then
              redis.call('ZREM', keys[i], 'p:' .. token)
              if counted then
                redis.call('ZADD', keys[i], at, 'c:' .. token)
                redis.call('PEXPIRE', keys[i], math.ceil(window / 1000) + 60000)
                -- Settle: wrong codes, and pending tries older than the timeout, count toward the fill.
                local entries = redis.call('ZRANGE', keys[i], 0, -1, 'WITHSCORES')
                local wrong, oldest = 0, nil
                for j = 1, #entries, 2 do
                  local t = tonumber(entries[j + 1])
                  if string.sub(entries[j], 1, 2) == 'c:' or t <= staleBefore then
                    wrong = wrong + 1
                    if not oldest or t < oldest then oldest = t end
                  end
                end
                if wrong == limit then justFilled = 1 end
                if wrong >= limit then fullUntil = math.max(fullUntil, oldest + window) end
              end
            end
          end
          return {justFilled, string.format('%.0f', fullUntil)}
        end

        """;

    // ARGV: now, window, pending timeout (µs), limit, token.
    private const string TakeScript = TakeFunction + """
        return wrong_code_take(KEYS, tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[1]) - tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
        """;

    // ARGV: now, window, pending timeout (µs), limit, token, counted (1/0).
    private const string SettleScript = SettleFunction + """
        return wrong_code_settle(KEYS, tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[1]) - tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6] == '1')
        """;

    public async Task<WrongCodeTake> TakeAsync(IReadOnlyList<string> scopes, string token, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var r = (RedisResult[])(await redis.ScriptAsync(TakeScript, Keys(scopes), [.. Common(now, window, limit, token)]))!;
        return (long)r[0] == 1
            ? new WrongCodeTake(true)
            : new WrongCodeTake(false, (long)r[1] == 1, RedisTime.FromMicros((long)r[2]));
    }

    public async Task<WrongCodeSettled> SettleAsync(IReadOnlyList<string> scopes, string token, bool counted, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var r = (RedisResult[])(await redis.ScriptAsync(SettleScript, Keys(scopes), [.. Common(now, window, limit, token), counted ? 1 : 0]))!;
        var fullUntil = (long)r[1];
        return new WrongCodeSettled((long)r[0] == 1, fullUntil == 0 ? null : RedisTime.FromMicros(fullUntil));
    }

    private RedisKey[] Keys(IReadOnlyList<string> scopes) => scopes.Select(s => ScopeKey(redis, s)).ToArray();

    /// <summary>
    /// A scope's sorted set: under the shared tag <c>{wc}</c>, except a scope that opens with a hash tag of its own
    /// (<c>{c:&lt;customerId&gt;}…</c>, one customer's only scope), kept under that tag so that a script of the
    /// customer's slot can take and settle it with the customer's other keys.
    /// </summary>
    internal static RedisKey ScopeKey(RedisConnection redis, string scope) =>
        scope.StartsWith('{') ? (RedisKey)(redis.KeyPrefix + scope + ":wc") : redis.Key("wc", scope);

    private static RedisValue[] Common(DateTimeOffset now, TimeSpan window, int limit, string token) =>
    [
        RedisTime.ToMicros(now),
        window.Ticks / TimeSpan.TicksPerMicrosecond,
        WrongCodeRules.PendingTimeout.Ticks / TimeSpan.TicksPerMicrosecond,
        limit,
        token,
    ];
}
