using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// The real server (Development: dev secrets, demo directory, dev captcha) in process, with a fake clock,
/// a recording outbox in front of the real one and a recording audit log.
/// </summary>
internal sealed class RecoveryServerFactory(ServerOptions options) : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset StartTime = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider? time = options.FakeTime ? new FakeTimeProvider(StartTime) : null;

    public FakeTimeProvider Time => time ?? throw new InvalidOperationException("This server runs on the system clock.");

    public RecordingAuditLog Audit { get; } = new();

    public RecordingLoggerProvider Logs { get; } = new();

    public RecordingOutbox Outbox => Services.GetRequiredService<RecordingOutbox>();

    public RecordingPasswordHasher Hasher => Services.GetRequiredService<RecordingPasswordHasher>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Development);

        // UseSetting, not ConfigureAppConfiguration: Program reads some keys (the dev sink) while it
        // registers services, before late configuration sources would be seen.
        if (!options.DefaultRateLimits)
        {
            foreach (var rule in new[] { "PerCard", "PerDocument", "PerClientAddress", "PerChannel" })
            {
                builder.UseSetting($"RateLimits:{rule}:Limit", "100000");
            }

            foreach (var rule in new[] { "PerUserCode", "PerClientAddress", "PerChannel" })
            {
                builder.UseSetting($"RateLimits:Login:{rule}:Limit", "100000");
            }
        }

        if (options.Redis is { } redis)
        {
            builder.UseSetting("Storage:Provider", "Redis");
            builder.UseSetting("Storage:Redis:Configuration", redis.Configuration);
            builder.UseSetting("Storage:Redis:KeyPrefix", redis.KeyPrefix);
            // Short enough that a stopped Redis fails a call well inside its deadline, long enough for a
            // loaded two-core CI machine.
            builder.UseSetting("Storage:Redis:OperationTimeout", "00:00:02");
        }

        if (!options.ProductionArgon2Cost)
        {
            // Real Argon2id at Argon2's floor: these servers are not about hashing cost, and Development alone
            // accepts it (Argon2CostValidator; ProductionStartTests proves Production refuses it).
            builder.UseSetting("Passwords:Argon2:MemoryKib", TestArgon2Profile.MemoryKib);
            builder.UseSetting("Passwords:Argon2:Iterations", TestArgon2Profile.Iterations);
        }

        if (options.DevSinkPath is { } sink)
        {
            builder.UseSetting("Notifications:DevSink:Path", sink);
        }

        foreach (var (key, value) in options.Settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            if (time is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(time);
            }

            // Wrap whichever outbox the storage provider registered, so a Redis run records too.
            var real = services.Last(d => d.ServiceType == typeof(INotificationOutbox));
            services.RemoveAll<INotificationOutbox>();
            services.AddSingleton(sp => new RecordingOutbox(Resolve<INotificationOutbox>(sp, real)));
            services.AddSingleton<INotificationOutbox>(sp => sp.GetRequiredService<RecordingOutbox>());

            // Every password verify goes through a recorder, so attack tests can count what was evaluated.
            var realHasher = services.Last(d => d.ServiceType == typeof(IPasswordHasher));
            services.RemoveAll<IPasswordHasher>();
            services.AddSingleton(sp => new RecordingPasswordHasher(Resolve<IPasswordHasher>(sp, realHasher)));
            services.AddSingleton<IPasswordHasher>(sp => sp.GetRequiredService<RecordingPasswordHasher>());

            var realAudit = services.Last(d => d.ServiceType == typeof(IAuditLog));
            services.RemoveAll<IAuditLog>();
            services.AddSingleton<IAuditLog>(sp =>
            {
                Audit.Inner = Resolve<IAuditLog>(sp, realAudit);
                return Audit;
            });

            // The word lists are the same files for nearly every server: loaded once per test process.
            SharedWordLists.Share(services);

            options.Services?.Invoke(services);
        });
    }

    /// <summary>Replaces the registration of <typeparamref name="T"/> with <paramref name="decorate"/> applied to it.</summary>
    public static void Decorate<T>(IServiceCollection services, Func<T, IServiceProvider, T> decorate)
        where T : class
    {
        var real = services.Last(d => d.ServiceType == typeof(T));
        services.RemoveAll<T>();
        services.AddSingleton(sp => decorate(Resolve<T>(sp, real), sp));
    }

    internal static T Resolve<T>(IServiceProvider services, ServiceDescriptor descriptor) =>
        (T)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
