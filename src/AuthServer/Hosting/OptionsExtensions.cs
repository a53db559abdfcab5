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
        Bind<SecretsOptions>(builder, SecretsOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<SecretsOptions>, SecretsOptionsValidator>();
        Bind<CardOptions>(builder, CardOptions.Section)
            .Validate(o => o.IssuerPrefixes.All(p => p.Length is > 0 and <= 6 && p.All(char.IsAsciiDigit)), "Cards:IssuerPrefixes must be 1-6 digits each.");
        Bind<CaptchaOptions>(builder, CaptchaOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<CaptchaOptions>, CaptchaOptionsValidator>();
        Bind<OtpOptions>(builder, OtpOptions.Section)
            .Validate(o => o.MaxAttemptsPerCode <= o.MaxFailuresPerChallenge, "Otp:MaxAttemptsPerCode cannot exceed Otp:MaxFailuresPerChallenge.");
        Bind<Argon2Options>(builder, Argon2Options.Section)
            .Validate(o => o.Engine != Argon2EngineKind.Libsodium || LibsodiumArgon2Engine.IsAvailable,
                "Passwords:Argon2:Engine is Libsodium, but libsodium cannot be loaded on this machine; use Auto or Konscious.")
            .Validate(o => o.Engine != Argon2EngineKind.Libsodium || o.Parallelism == 1,
                "Passwords:Argon2:Engine Libsodium computes only Parallelism 1; use Auto or Konscious for more lanes.");
        Bind<PasswordPolicyOptions>(builder, PasswordPolicyOptions.Section)
            .Validate(o => o.MinLength <= o.MaxLength, "Passwords:Policy:MinLength cannot exceed MaxLength.")
            .Validate(o => o.MinimumStrength >= PasswordStrength.Medium, "Passwords:Policy:MinimumStrength cannot be below Medium.");
        Bind<RateLimitOptions>(builder, RateLimitOptions.Section)
            .Validate(o => new[] { o.PerCard, o.PerDocument, o.PerClientAddress, o.PerChannel }.All(r => r.Limit > 0 && r.Period > TimeSpan.Zero),
                "Every RateLimits rule needs a positive Limit and Period.");
        Bind<LoginRateLimitOptions>(builder, LoginRateLimitOptions.Section)
            .Validate(o => new[] { o.PerUserCode, o.PerClientAddress, o.PerChannel }.All(r => r.Limit > 0 && r.Period > TimeSpan.Zero),
                "Every RateLimits:Login rule needs a positive Limit and Period.");
        Bind<RecoveryOptions>(builder, RecoveryOptions.Section)
            .Validate(o => o.FirstBlock <= o.MaxBlock, "Recovery:FirstBlock cannot exceed Recovery:MaxBlock.");
        Bind<AccessOptions>(builder, AccessOptions.Section)
            .Validate(o => o.ChangeTicketIdleTimeout <= o.ChangeTicketMaxLifetime, "Access:ChangeTicketIdleTimeout cannot exceed ChangeTicketMaxLifetime.");
        Bind<NotificationOptions>(builder, NotificationOptions.Section)
            .Validate(o => o.SmsPerPhone.Limit > 0 && o.SmsPerPhone.Period >= TimeSpan.FromSeconds(1),
                "Notifications:SmsPerPhone needs a positive Limit and a Period of at least 1 second.");
        Bind<Notifications.Sms.SmsOptions>(builder, Notifications.Sms.SmsOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<Notifications.Sms.SmsOptions>, Notifications.Sms.SmsOptionsValidator>();
        Bind<Grpc.IdempotencyOptions>(builder, Grpc.IdempotencyOptions.Section);
        Bind<Grpc.AdmissionOptions>(builder, Grpc.AdmissionOptions.Section);
        Bind<Customers.DirectoryOptions>(builder, Customers.DirectoryOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<Customers.DirectoryOptions>, Customers.DirectoryOptionsValidator>();
        Bind<Channels.ChannelOptions>(builder, Channels.ChannelOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<Channels.ChannelOptions>, Channels.ChannelOptionsValidator>();
        Bind<CallCentre.CallCentreOptions>(builder, CallCentre.CallCentreOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<CallCentre.CallCentreOptions>, CallCentre.CallCentreOptionsValidator>();
        Bind<DemoDirectoryOptions>(builder, DemoDirectoryOptions.Section);
        Bind<StorageOptions>(builder, StorageOptions.Section)
            .Validate(o => !o.UsesRedis || !string.IsNullOrWhiteSpace(o.Redis.Configuration),
                "Storage:Redis:Configuration is required when Storage:Provider is Redis (e.g. 127.0.0.1:6379).")
            .Validate(o => o.Redis.KeyPrefix.Length <= 32, "Storage:Redis:KeyPrefix is at most 32 characters.");
        builder.Services.AddSingleton<IValidateOptions<NotificationOptions>, DevSinkEnvironmentValidator>();
        return builder;
    }

    private static OptionsBuilder<T> Bind<T>(IHostApplicationBuilder builder, string section)
        where T : class =>
        builder.Services.AddOptions<T>().Bind(builder.Configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
