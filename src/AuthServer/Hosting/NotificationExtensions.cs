using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.Hosting;

public static class NotificationExtensions
{
    public static IHostApplicationBuilder AddRecoveryNotifications(this IHostApplicationBuilder builder)
    {
        // TryAdd: the embedded outbox is the default; a storage provider registered earlier (Redis) wins.
        builder.Services.AddSingleton<ChannelNotificationOutbox>();
        builder.Services.TryAddSingleton<INotificationOutbox>(sp => sp.GetRequiredService<ChannelNotificationOutbox>());
        builder.Services.TryAddSingleton<INotificationOutboxReader>(sp => sp.GetRequiredService<ChannelNotificationOutbox>());
        builder.Services.AddSingleton<INotificationSender, LoggingNotificationSender>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Notifications:DevSink:Path"]))
        {
            builder.Services.AddSingleton<INotificationSender, DevSinkNotificationSender>();
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration[SmtpOptions.Section + ":Host"]))
        {
            builder.Services.AddOptions<SmtpOptions>().Bind(builder.Configuration.GetSection(SmtpOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
            builder.Services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
            builder.Services.AddSingleton<SmtpEmailSender>();
            builder.Services.AddSingleton<INotificationSender>(sp => sp.GetRequiredService<SmtpEmailSender>());
        }

        builder.Services.AddHostedService<NotificationDispatcher>();
        return builder;
    }
}
