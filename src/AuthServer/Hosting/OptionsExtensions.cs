using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Access;
using Recovery.AuthServer.Captcha;
using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage;

namespace Recovery.AuthServer.Hosting;

public static class OptionsExtensions
{
    /// <summary>Binds every options class and validates it at start-up: a bad configuration stops the host.</summary>
    public static IHostApplicationBuilder AddRecoveryOptions(this IHostApplicationBuilder builder)
    {
        Bind<SecretsOptions, ValidateSecretsOptions>(builder, SecretsOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<SecretsOptions>, SecretsOptionsValidator>();
        Bind<CardOptions, ValidateCardOptions>(builder, CardOptions.Section)
            .Validate(o => o.IssuerPrefixes.All(p => p.Length is > 0 and <= 6 && p.All(char.IsAsciiDigit)), "Cards:IssuerPrefixes must be 1-6 digits each.");
        Bind<CaptchaOptions, ValidateCaptchaOptions>(builder, CaptchaOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<CaptchaOptions>, CaptchaOptionsValidator>();
        Bind<OtpOptions, ValidateOtpOptions>(builder, OtpOptions.Section)
            .Validate(o => o.MaxAttemptsPerCode <= o.MaxFailuresPerChallenge, "Otp:MaxAttemptsPerCode cannot exceed Otp:MaxFailuresPerChallenge.");
        Bind<Argon2Options, ValidateArgon2Options>(builder, Argon2Options.Section)
            .Validate(o => o.Engine != Argon2EngineKind.Libsodium || LibsodiumArgon2Engine.IsAvailable,
                "Passwords:Argon2:Engine is Libsodium, but libsodium cannot be loaded on this machine; use Auto or Konscious.")
            .Validate(o => o.Engine != Argon2EngineKind.Libsodium || o.Parallelism == 1,
                "Passwords:Argon2:Engine Libsodium computes only Parallelism 1; use Auto or Konscious for more lanes.");
        builder.Services.AddSingleton<IValidateOptions<Argon2Options>, Argon2CostValidator>();
        Bind<PasswordPolicyOptions, ValidatePasswordPolicyOptions>(builder, PasswordPolicyOptions.Section)
            .Validate(o => o.MinLength <= o.MaxLength, "Passwords:Policy:MinLength cannot exceed MaxLength.")
            .Validate(o => o.MinimumStrength >= PasswordStrength.Medium, "Passwords:Policy:MinimumStrength cannot be below Medium.");
        // Each rule's Limit and Period: the [Range] attributes of RateLimitRule, reached through [ValidateObjectMembers].
        Bind<RateLimitOptions, ValidateRateLimitOptions>(builder, RateLimitOptions.Section);
        Bind<LoginRateLimitOptions, ValidateLoginRateLimitOptions>(builder, LoginRateLimitOptions.Section);
        Bind<RecoveryOptions, ValidateRecoveryOptions>(builder, RecoveryOptions.Section)
            .Validate(o => o.FirstBlock <= o.MaxBlock, "Recovery:FirstBlock cannot exceed Recovery:MaxBlock.");
        Bind<AccessOptions, ValidateAccessOptions>(builder, AccessOptions.Section)
            .Validate(o => o.ChangeTicketIdleTimeout <= o.ChangeTicketMaxLifetime, "Access:ChangeTicketIdleTimeout cannot exceed ChangeTicketMaxLifetime.");
        Bind<NotificationOptions, ValidateNotificationOptions>(builder, NotificationOptions.Section);
        Bind<Notifications.Sms.SmsOptions, Notifications.Sms.ValidateSmsOptions>(builder, Notifications.Sms.SmsOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<Notifications.Sms.SmsOptions>, Notifications.Sms.SmsOptionsValidator>();
        Bind<Grpc.IdempotencyOptions, Grpc.ValidateIdempotencyOptions>(builder, Grpc.IdempotencyOptions.Section);
        Bind<Grpc.AdmissionOptions, Grpc.ValidateAdmissionOptions>(builder, Grpc.AdmissionOptions.Section);
        Bind<Customers.DirectoryOptions>(builder, Customers.DirectoryOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<Customers.DirectoryOptions>, Customers.DirectoryOptionsValidator>();
        Bind<Channels.ChannelOptions>(builder, Channels.ChannelOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<Channels.ChannelOptions>, Channels.ChannelOptionsValidator>();
        Bind<CallCentre.CallCentreOptions, CallCentre.ValidateCallCentreOptions>(builder, CallCentre.CallCentreOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<CallCentre.CallCentreOptions>, CallCentre.CallCentreOptionsValidator>();
        Bind<DemoDirectoryOptions>(builder, DemoDirectoryOptions.Section);
        Bind<StorageOptions, ValidateStorageOptions>(builder, StorageOptions.Section)
            .Validate(o => !o.UsesRedis || !string.IsNullOrWhiteSpace(o.Redis.Configuration),
                "Storage:Redis:Configuration is required when Storage:Provider is Redis (e.g. 127.0.0.1:6379).");
        builder.Services.AddSingleton<IValidateOptions<NotificationOptions>, DevSinkEnvironmentValidator>();
        return builder;
    }

    /// <summary>Binds <typeparamref name="T"/> and registers the source-generated validator of its data annotations.</summary>
    /// <remarks>
    /// Why the generated validator rather than <c>ValidateDataAnnotations</c>: the reflection-based one does not
    /// descend into nested objects, so a rule's <c>[Range]</c> inside <c>RateLimits:PerCard</c> or <c>Storage:Redis</c>
    /// did nothing; the generated one follows <c>[ValidateObjectMembers]</c> / <c>[ValidateEnumeratedItems]</c>, and its
    /// build warnings (errors here) name any nested annotated member left without them.
    /// </remarks>
    private static OptionsBuilder<T> Bind<T, TValidator>(IHostApplicationBuilder builder, string section)
        where T : class
        where TValidator : class, IValidateOptions<T>
    {
        builder.Services.AddSingleton<IValidateOptions<T>, TValidator>();
        return Bind<T>(builder, section);
    }

    /// <summary>Binds an options class that carries no data annotation (its rules, if any, are a validator of its own).</summary>
    private static OptionsBuilder<T> Bind<T>(IHostApplicationBuilder builder, string section)
        where T : class =>
        builder.Services.AddOptions<T>().Bind(builder.Configuration.GetSection(section)).ValidateOnStart();
}
