using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;
using Recovery.AuthServer.Security;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// The delivery records shared by all nodes (a report may reach any node). Keys, all in the <c>{sms}</c> slot:
/// <list type="bullet">
/// <item><c>{sms}:d:&lt;id&gt;</c> — hash: <c>t</c> template, <c>ph</c> phone key, <c>c</c>/<c>u</c> created/updated (ms),
/// <c>s</c> state, <c>p</c> provider, <c>a:&lt;provider&gt;</c> "state|ms"; expires after <c>RecordRetention</c>.</item>
/// <item><c>{sms}:x:&lt;id&gt;</c> — the message sealed with AES-256-GCM (it holds the code), for failover; expires at the end of
/// the failover window and is deleted as soon as the message is delivered, handed on or given up.</item>
/// <item><c>{sms}:ph:&lt;phone key&gt;</c> — list of the latest ids to one phone, newest first. The phone key is a keyed hash
/// (<c>Secrets:CodeKey</c>): no number in clear in any key or value.</item>
/// </list>
/// Each change is one script mirroring <see cref="SmsDeliveryRules"/>.
/// </summary>
public sealed class RedisSmsDeliveryStore : ISmsDeliveryStore
{
    private const string Label = "recovery.v1/sms-delivery/aes-256-gcm";

    private const string OpenScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('HSET', KEYS[1], 't', ARGV[2], 'ph', ARGV[3], 'c', ARGV[4], 'u', ARGV[4], 's', 'Pending')
          redis.call('LPUSH', KEYS[3], ARGV[1])
          redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[8]) - 1)
          redis.call('PEXPIRE', KEYS[3], ARGV[5])
          redis.call('PEXPIRE', KEYS[1], ARGV[5])
        end
        local left = tonumber(redis.call('HGET', KEYS[1], 'c')) + tonumber(ARGV[6]) - tonumber(ARGV[4])
        if left > 0 then redis.call('SET', KEYS[2], ARGV[7], 'PX', left) else redis.call('DEL', KEYS[2]) end
        return redis.call('HGETALL', KEYS[1])
        """;

    private const string ClaimScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        local a = redis.call('HGET', KEYS[1], 'a:' .. ARGV[1])
        if a and string.match(a, '^[^|]+') ~= 'Unavailable' then return 0 end
        redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], 'Sending|' .. ARGV[2], 'u', ARGV[2], 's', 'Pending', 'p', ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    private const string SettleScript = """
        local a = redis.call('HGET', KEYS[1], 'a:' .. ARGV[1])
        if not a or string.match(a, '^[^|]+') ~= 'Sending' then return 0 end
        redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], ARGV[2] .. '|' .. ARGV[3], 'u', ARGV[3])
        if ARGV[2] == 'Submitted' then redis.call('HSET', KEYS[1], 's', 'Submitted', 'p', ARGV[1]) end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    private const string CloseScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 's', ARGV[1], 'u', ARGV[2]) end
        redis.call('DEL', KEYS[2])
        return 1
        """;

    private const string ReportScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
        local a = redis.call('HGET', KEYS[1], 'a:' .. ARGV[1])
        local st = a and string.match(a, '^[^|]+')
        local r = ARGV[2]
        if not (st == 'Sending' or st == 'Submitted' or (st == 'Accepted' and r ~= 'Accepted')) then return {0} end
        redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], r .. '|' .. ARGV[3], 'u', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        local overall = redis.call('HGET', KEYS[1], 's')
        local current = redis.call('HGET', KEYS[1], 'p')
        local new = nil
        if r == 'Delivered' then new = 'Delivered'
        elseif (not current) or current == ARGV[1] then
          if r == 'Failed' and overall ~= 'Delivered' then new = 'Failed'
          elseif r == 'Accepted' and (overall == 'Pending' or overall == 'Submitted') then new = 'Accepted' end
        end
        if not new then return {1} end
        redis.call('HSET', KEYS[1], 's', new, 'p', ARGV[1])
        if new == 'Failed' or new == 'Delivered' then
          local copy = redis.call('GET', KEYS[2])
          redis.call('DEL', KEYS[2])
          if new == 'Failed' and copy and tonumber(ARGV[3]) < tonumber(redis.call('HGET', KEYS[1], 'c')) + tonumber(ARGV[4]) then
            return {1, copy}
          end
        end
        return {1}
        """;

    private readonly RedisConnection redis;
    private readonly SecretBox box;
    private readonly IOptions<SmsOptions> options;

    public RedisSmsDeliveryStore(RedisConnection redis, SecretKeys keys, IRandomSource random, IOptions<SmsOptions> options)
    {
        this.redis = redis;
        box = new SecretBox(keys.CodeKey, Label, random);
        this.options = options;
    }

    public async Task<SmsDelivery> OpenAsync(string id, string phoneKey, Notification notification, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var result = await redis.ScriptAsync(
            OpenScript,
            [Record(id), Copy(id), Phone(phoneKey)],
            [id, notification.Template, phoneKey, now.ToUnixTimeMilliseconds(), Ms(o.RecordRetention), Ms(o.FailoverWindow), Seal(notification, id), o.RecentPerPhone]);
        return Parse(id, (RedisResult[])result!);
    }

    public async Task<bool> TryClaimAsync(string id, string provider, DateTimeOffset now, CancellationToken cancellationToken) =>
        (long)await redis.ScriptAsync(ClaimScript, [Record(id)], [provider, now.ToUnixTimeMilliseconds(), Ms(options.Value.RecordRetention)]) == 1;

    public Task SettleAsync(string id, string provider, SmsDeliveryState outcome, DateTimeOffset now, CancellationToken cancellationToken) =>
        redis.ScriptAsync(SettleScript, [Record(id)], [provider, outcome.ToString(), now.ToUnixTimeMilliseconds(), Ms(options.Value.RecordRetention)]);

    public Task CloseAsync(string id, SmsDeliveryState state, DateTimeOffset now, CancellationToken cancellationToken) =>
        redis.ScriptAsync(CloseScript, [Record(id), Copy(id)], [state.ToString(), now.ToUnixTimeMilliseconds()]);

    public async Task<SmsReportOutcome> ReportAsync(string id, string provider, SmsDeliveryState reported, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var result = (RedisResult[])(await redis.ScriptAsync(
            ReportScript,
            [Record(id), Copy(id)],
            [provider, reported.ToString(), now.ToUnixTimeMilliseconds(), Ms(o.FailoverWindow), Ms(o.RecordRetention)]))!;
        if ((long)result[0] != 1)
        {
            return SmsReportOutcome.Ignored;
        }

        return new SmsReportOutcome(true, result.Length > 1 ? Unseal((byte[])result[1]!, id) : null);
    }

    public async Task<SmsDelivery?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var fields = await redis.ExecuteAsync(db => db.HashGetAllAsync(Record(id)));
        return fields.Length == 0 ? null : Parse(id, fields.Select(f => (f.Name.ToString(), f.Value.ToString())));
    }

    public async Task<IReadOnlyList<SmsDelivery>> RecentAsync(string phoneKey, CancellationToken cancellationToken)
    {
        var ids = await redis.ExecuteAsync(db => db.ListRangeAsync(Phone(phoneKey)));
        var recent = new List<SmsDelivery>(ids.Length);
        foreach (var id in ids)
        {
            if (await GetAsync(id.ToString(), cancellationToken) is { } delivery)
            {
                recent.Add(delivery);
            }
        }

        return recent;
    }

    private static SmsDelivery Parse(string id, RedisResult[] flat)
    {
        var pairs = new List<(string, string)>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            pairs.Add(((string)flat[i]!, (string)flat[i + 1]!));
        }

        return Parse(id, pairs);
    }

    private static SmsDelivery Parse(string id, IEnumerable<(string Name, string Value)> fields)
    {
        var map = fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);
        var attempts = map.Where(f => f.Key.StartsWith("a:", StringComparison.Ordinal))
            .Select(f =>
            {
                var parts = f.Value.Split('|');
                return new SmsAttempt(f.Key[2..], Enum.Parse<SmsDeliveryState>(parts[0]), Time(parts[1]));
            })
            .OrderBy(a => a.At)
            .ToList();
        return new SmsDelivery(
            id,
            map.GetValueOrDefault("t", string.Empty),
            Enum.Parse<SmsDeliveryState>(map.GetValueOrDefault("s", nameof(SmsDeliveryState.Pending))),
            map.GetValueOrDefault("p"),
            Time(map["c"]),
            Time(map["u"]),
            attempts);
    }

    private static DateTimeOffset Time(string ms) => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(ms, CultureInfo.InvariantCulture));

    private static long Ms(TimeSpan t) => (long)t.TotalMilliseconds;

    private byte[] Seal(Notification notification, string id)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(notification);
        try
        {
            return box.Protect(json, Associated(id));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    private Notification? Unseal(byte[] sealedCopy, string id)
    {
        var plaintext = box.Unprotect(sealedCopy, Associated(id));
        if (plaintext is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Notification>(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private RedisKey Record(string id) => redis.Key("sms", "d:" + id);

    private RedisKey Copy(string id) => redis.Key("sms", "x:" + id);

    private RedisKey Phone(string phoneKey) => redis.Key("sms", "ph:" + phoneKey);

    private static byte[] Associated(string id) => Encoding.ASCII.GetBytes("sms-delivery:" + id);
}
