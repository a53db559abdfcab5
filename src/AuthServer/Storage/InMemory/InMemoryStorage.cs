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

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// The embedded provider (the default): every store, the outbox and the rate limiter in this process's memory,
/// nothing surviving a restart. It registers the same service types as <c>RedisStorage.AddTo</c>
/// (<c>ProviderRegistrationTests</c> compares them), so the flows cannot tell which one runs.
/// </summary>
public static class InMemoryStorage
{
    public static IServiceCollection AddTo(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Customers and credentials, recoveries and card blocks, change tickets and sessions.
        // The customers are also the authenticator store's: its SMS-code step records its change in their memory of
        // changes (the fence), as the Redis script does in the customer's slot.
        services.AddSingleton<InMemoryCustomerStore>();
        services.AddSingleton<ICustomerStore>(sp => sp.GetRequiredService<InMemoryCustomerStore>());
        services.AddSingleton<IRecoveryStore, InMemoryRecoveryStore>();
        services.AddSingleton<ISessionStore, InMemorySessionStore>();

        // Challenges, authenticators, operations and references, rate limits.
        // The challenges and the ledger are also the recovery store's (its code try is one step over the three).
        services.AddSingleton<InMemoryChallengeStore>();
        services.AddSingleton<IChallengeStore>(sp => sp.GetRequiredService<InMemoryChallengeStore>());
        services.AddSingleton<IAuthenticatorStore, InMemoryAuthenticatorStore>();
        services.AddSingleton<IOperationStore, InMemoryOperationStore>();
        services.AddSingleton<IRateLimiter, InMemoryRateLimiter>();
        services.AddSingleton<InMemoryWrongCodeLedger>();
        services.AddSingleton<IWrongCodeLedger>(sp => sp.GetRequiredService<InMemoryWrongCodeLedger>());

        // Idempotency keys of retried calls and used captcha tokens: this node only, as is everything here.
        services.AddSingleton<IIdempotencyStore, InMemoryIdempotencyStore>();
        services.AddSingleton<ICaptchaReplayStore, InMemoryCaptchaReplayStore>();

        // The notification outbox: one instance behind both interfaces, so what the flows queue is what the dispatcher reads.
        services.AddSingleton<InMemoryNotificationOutbox>();
        services.AddSingleton<INotificationOutbox>(sp => sp.GetRequiredService<InMemoryNotificationOutbox>());
        services.AddSingleton<INotificationOutboxReader>(sp => sp.GetRequiredService<InMemoryNotificationOutbox>());

        // SMS delivery records: one node receives every delivery report.
        services.AddSingleton<ISmsDeliveryStore, InMemorySmsDeliveryStore>();
        return services;
    }
}
