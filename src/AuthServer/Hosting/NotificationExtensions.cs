using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.Hosting;

public static class NotificationExtensions
{
    public static IHostApplicationBuilder AddRecoveryNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChannelNotificationOutbox>();
        builder.Services.AddSingleton<INotificationOutbox>(sp => sp.GetRequiredService<ChannelNotificationOutbox>());
        builder.Services.AddSingleton<INotificationSender, LoggingNotificationSender>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Notifications:DevSink:Path"]))
        {
            builder.Services.AddSingleton<INotificationSender, DevSinkNotificationSender>();
        }

        builder.Services.AddHostedService<NotificationDispatcher>();
        return builder;
    }
}
