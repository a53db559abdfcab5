using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Captcha;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Sessions;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// The Redis provider: every store the flows use, each implemented with one Lua script per
/// check-and-update, plus its connection and health check. It registers the same service types as
/// <c>InMemoryStorage.AddTo</c> (<c>ProviderRegistrationTests</c> compares them): no store falls back to
/// memory, and none depends on the order in which the host adds its other services.
/// </summary>
public static class RedisStorage
{
    public static IServiceCollection AddTo(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<RedisConnection>();
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");

        // Customers and credentials, recoveries and card blocks, change tickets and sessions.
        services.AddSingleton<ICustomerStore, RedisCustomerStore>();
        services.AddSingleton<IRecoveryStore, RedisRecoveryStore>();
        services.AddSingleton<ISessionStore, RedisSessionStore>();

        // Challenges, authenticators, operations and references, rate limits.
        services.AddSingleton<IChallengeStore, RedisChallengeStore>();
        services.AddSingleton<IAuthenticatorStore, RedisAuthenticatorStore>();
        services.AddSingleton<IOperationStore, RedisOperationStore>();
        services.AddSingleton<IRateLimiter, RedisRateLimiter>();
        services.AddSingleton<IWrongCodeLedger, RedisWrongCodeLedger>();

        // Idempotency keys of retried calls: shared, so a retry that lands on another node is still recognised.
        services.AddSingleton<IIdempotencyStore, RedisIdempotencyStore>();

        // Used captcha tokens: shared, so a token replayed to another node is refused there too.
        services.AddSingleton<ICaptchaReplayStore, RedisCaptchaReplayStore>();

        // The notification outbox: durable, shared by all nodes; the dispatcher of each node drains it.
        services.AddSingleton<RedisNotificationOutbox>();
        services.AddSingleton<INotificationOutbox>(sp => sp.GetRequiredService<RedisNotificationOutbox>());
        services.AddSingleton<INotificationOutboxReader>(sp => sp.GetRequiredService<RedisNotificationOutbox>());

        // SMS delivery records: a delivery report may reach any node.
        services.AddSingleton<ISmsDeliveryStore, RedisSmsDeliveryStore>();
        return services;
    }
}
