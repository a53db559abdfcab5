using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Sessions;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// The Redis provider: every store the flows use, each implemented with one Lua script per
/// check-and-update. No store falls back to memory: a missing one is a start-up error.
/// </summary>
public static class RedisStores
{
    public static void Register(IServiceCollection services)
    {
        // Customers and credentials, recoveries and card blocks, change tickets and sessions.
        services.AddSingleton<ICustomerStore, RedisCustomerStore>();
        services.AddSingleton<IRecoveryStore, RedisRecoveryStore>();
        services.AddSingleton<ISessionStore, RedisSessionStore>();

        // Challenges, authenticators, operations and references, rate limits.
        services.AddSingleton<IChallengeStore, RedisChallengeStore>();
        services.AddSingleton<IAuthenticatorStore, RedisAuthenticatorStore>();
        services.AddSingleton<IOperationStore, RedisOperationStore>();
        services.AddSingleton<RateLimiting.IRateLimiter, RedisRateLimiter>();
        services.AddSingleton<IWrongCodeLedger, RedisWrongCodeLedger>();

        // Idempotency keys of retried calls: shared, so a retry that lands on another node is still recognised.
        services.AddSingleton<IIdempotencyStore, RedisIdempotencyStore>();

        // Used captcha tokens: shared, so a token replayed to another node is refused there too.
        services.AddSingleton<Captcha.ICaptchaReplayStore, RedisCaptchaReplayStore>();

        // The notification outbox: durable, shared by all nodes; the dispatcher of each node drains it.
        services.AddSingleton<RedisNotificationOutbox>();
        services.AddSingleton<INotificationOutbox>(sp => sp.GetRequiredService<RedisNotificationOutbox>());
        services.AddSingleton<INotificationOutboxReader>(sp => sp.GetRequiredService<RedisNotificationOutbox>());

        // SMS delivery records: a delivery report may reach any node.
        services.AddSingleton<Notifications.Sms.ISmsDeliveryStore, RedisSmsDeliveryStore>();
    }
}
