using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Notifications;

/// <summary>Drains the outbox into every configured sender, retrying with backoff.</summary>
public sealed partial class NotificationDispatcher(
    ChannelNotificationOutbox outbox,
    IEnumerable<INotificationSender> senders,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private readonly INotificationSender[] senders = senders.ToArray();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in outbox.Reader.ReadAllAsync(stoppingToken))
            {
                foreach (var sender in senders)
                {
                    await DeliverAsync(sender, notification, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(INotificationSender sender, Notification notification, CancellationToken stoppingToken)
    {
        var attempts = options.Value.MaxDeliveryAttempts;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                await sender.SendAsync(notification, stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The exception is logged by type only: a sender's message might echo the destination.
                LogDeliveryFailed(notification.Template, attempt, ex.GetType().Name);
                if (attempt < attempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt)), time, stoppingToken);
                }
            }
        }

        LogGivenUp(notification.Template, attempts);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of {Template} failed on attempt {Attempt} ({ErrorType})")]
    private partial void LogDeliveryFailed(string template, int attempt, string errorType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery of {Template} given up after {Attempts} attempts")]
    private partial void LogGivenUp(string template, int attempts);
}
