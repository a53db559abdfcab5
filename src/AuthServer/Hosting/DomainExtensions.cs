using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Access;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Passwords.Strength;
using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.Hosting;

public static class DomainExtensions
{
    /// <summary>
    /// The stores, the outbox and the rate limiter: embedded in memory (default) or shared on Redis
    /// (<c>Storage:Provider</c>). Exactly one provider registers them, each the same set of services.
    /// </summary>
    public static IHostApplicationBuilder AddRecoveryStorage(this IHostApplicationBuilder builder)
    {
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.UsesRedis)
        {
            RedisStorage.AddTo(builder.Services);
        }
        else
        {
            InMemoryStorage.AddTo(builder.Services);
        }

        return builder;
    }

    /// <summary>The flows and the capabilities they combine.</summary>
    public static IHostApplicationBuilder AddRecoveryDomain(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IRandomSource, CryptoRandomSource>();
        services.AddSingleton<SecretKeys>();
        services.AddSingleton<CardValidator>();
        services.AddSingleton<CardLookup>();
        builder.AddRecoveryCaptcha();
        services.AddSingleton<OtpCodeGenerator>();
        services.AddSingleton<OtpEngine>();
        services.AddSingleton<WrongCodeBudget>();
        services.AddSingleton<AuthenticatorSecretProtector>();
        services.AddSingleton<AuthenticatorEngine>();
        services.AddSingleton<RequestDeadline>();
        services.AddSingleton<Argon2EngineSelector>();
        services.AddSingleton<Argon2Gate>();
        services.AddSingleton<IPasswordHasher, Argon2idPasswordHasher>();
        services.AddSingleton(sp => CommonPasswordList.Load(Path.Combine(sp.GetRequiredService<IOptions<PasswordPolicyOptions>>().Value.DataPath, CommonPasswordList.FileName)));
        services.AddSingleton(sp => StrengthDictionaries.Load(sp.GetRequiredService<IOptions<PasswordPolicyOptions>>().Value.DataPath));
        services.AddSingleton<StrengthEstimator>();
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<TemporaryPasswordGenerator>();
        services.AddSingleton<AuditMetrics>();
        services.AddSingleton<IAuditLog, LoggingAuditLog>();
        services.AddSingleton<Customers.CredentialChanges>();
        services.AddSingleton<Access.OperationPasswordChange>();
        services.AddSingleton<Operations.IOperationChange>(sp => sp.GetRequiredService<Access.OperationPasswordChange>());
        services.AddSingleton<Idempotency.IIdempotencyConditionCheck, Access.OperationSignedCondition>();
        services.AddSingleton<Operations.OperationLifecycle>();
        services.AddSingleton<RecoveryFlow>();
        services.AddSingleton<AccessFlow>();
        services.AddSingleton<AuthenticatorFlow>();
        services.AddSingleton<CallCentre.CallCentreFlow>();
        services.AddSingleton<Customers.CustomerDirectory>();
        services.AddHostedService<DemoDirectoryLoader>();

        // Resolve the password lists now so a missing, damaged or short file stops the host at start, not at first use.
        services.AddHostedService<StartupChecks>();
        services.AddHostedService<Argon2Startup>();
        return builder;
    }
}
