using Recovery.AuthServer.Captcha;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// Used captcha tokens on Redis, one key per token: <c>{c:hash}:captcha</c>, created with SET NX PX, so the
/// first node to record a token wins and Redis forgets it when it would have expired anyway.
/// The hash is keyed (<see cref="CaptchaReplayGuard"/>): no token appears in a key.
/// </summary>
public sealed class RedisCaptchaReplayStore(RedisConnection redis) : ICaptchaReplayStore
{
    public Task<bool> TryUseAsync(string tokenHash, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken) =>
        redis.ExecuteAsync(db => db.StringSetAsync(redis.Key("c:" + tokenHash, "captcha"), 1, lifetime, When.NotExists));
}
