using Microsoft.Extensions.Logging;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The stand-in for an SMS gateway and e-mail relay until one is configured: records that a message
/// of a template went out, without its destination or contents.
/// </summary>
public sealed partial class LoggingNotificationSender(ILogger<LoggingNotificationSender> logger) : INotificationSender
{
    public Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        LogSent(notification.Channel, notification.Template);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Channel} {Template} handed to delivery")]
    private partial void LogSent(NotificationChannel channel, string template);
}
