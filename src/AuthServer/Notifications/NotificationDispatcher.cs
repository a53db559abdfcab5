using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications.Sms;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Drains the outbox, routing each message by channel: an SMS goes to the SMS providers in their configured order
/// (<see cref="SmsFailover"/>: the first that takes it; while all are down it waits in the outbox), then, like an
/// e-mail, to every <see cref="INotificationSender"/> that handles its channel (the e-mail relay, the development
/// sink, the logging stand-in), each retried with backoff. A message is acknowledged only after every route had its
/// turn: a node that dies mid-delivery leaves it to be delivered again (at least once) by the durable queue. An SMS
/// beyond its phone's cap (<see cref="NotificationOptions.SmsPerPhone"/>, shared by all nodes through the rate
/// limiter) is dropped, logged and audited instead of sent. The dispatcher runs on every node for the host's life, so
/// it reports what waits for it: <c>recovery.outbox.backlog</c> (meter <see cref="RecoveryMeter.Name"/>).
/// </summary>
public sealed partial class NotificationDispatcher(
    INotificationOutboxReader queue,
    IEnumerable<INotificationSender> senders,
    SmsFailover? sms,
    IRateLimiter limiter,
    SecretKeys keys,
    IAuditLog audit,
    IOptions<NotificationOptions> options,
    IOptions<SmsOptions> smsOptions,
    TimeProvider time,
    ILogger<NotificationDispatcher> logger,
    INotificationOutbox outbox,
    IMeterFactory meterFactory) : BackgroundService
{
    private readonly INotificationSender[] senders = senders.ToArray();

    private readonly ObservableGauge<long> backlog = meterFactory.Create(RecoveryMeter.Name)
        .CreateObservableGauge("recovery.outbox.backlog", () => outbox.Backlog, "{message}", "SMS and e-mails queued and not yet delivered.");

    /// <summary>
    /// Runs <see cref="NotificationOptions.DispatchConcurrency"/> take-deliver-acknowledge loops over the one reader until
    /// the host stops; each loop hands its in-flight message back (<see cref="INotificationOutboxReader.RetryAsync"/>)
    /// when stopped mid-delivery, and the host's stop waits for all of them.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Several loops, not one: a message waits behind a slow provider call only if every loop is in one. The readers
        // hand a message to one taker at a time (a channel read in memory, a lease taken in a Redis script), so two loops
        // never deliver the same message; the phone cap is one atomic acquire in the shared limiter whichever loop asks.
        var loops = new Task[Math.Max(1, options.Value.DispatchConcurrency)];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = Task.Run(() => DispatchAsync(stoppingToken), CancellationToken.None);
        }

        return Task.WhenAll(loops);
    }

    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            QueuedNotification message;
            try
            {
                message = await queue.DequeueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The shared queue is unreachable: keep trying, the messages wait there.
                LogQueueUnavailable(ex.GetType().Name);
                await PauseAsync(TimeSpan.FromSeconds(1), stoppingToken);
                continue;
            }

            await HandleAsync(message, stoppingToken);
        }
    }

    private async Task HandleAsync(QueuedNotification message, CancellationToken stoppingToken)
    {
        var notification = message.Notification;
        if (message.Deliveries > options.Value.MaxDeliveryAttempts)
        {
            // Taken this many times without an acknowledgement: every taker died on it. Stop the loop.
            LogGivenUp(notification.Template, message.Deliveries - 1);
            await SettleAsync(() => queue.AcknowledgeAsync(message, CancellationToken.None));
            return;
        }

        // A decoy was enqueued only so that a decoy recovery costs what a real one costs: it is never sent, counted or
        // capped. The outboxes no longer store decoys; one stored by an earlier version (still queued after an upgrade)
        // is dropped here.
        if (notification.Decoy)
        {
            await SettleAsync(() => queue.AcknowledgeAsync(message, CancellationToken.None));
            return;
        }

        // A message moved on by a failed delivery report keeps its first id, so its delivery record is found again.
        var stamped = notification with { MessageId = notification.MessageId is { Length: > 0 } first ? first : message.Id };
        var viaProviders = notification.Channel == NotificationChannel.Sms && sms is { Enabled: true };
        bool withinCap;
        try
        {
            // Counted once per message: not again when it comes back from waiting for a provider, or moves on.
            withinCap = (viaProviders && await sms!.IsKnownAsync(stamped.MessageId, stoppingToken))
                || await WithinPhoneCapAsync(notification, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await SettleAsync(() => queue.RetryAsync(message, CancellationToken.None));
            return;
        }
        catch (Exception ex)
        {
            // The shared limiter is unreachable: neither send unchecked nor drop; the message waits.
            LogQueueUnavailable(ex.GetType().Name);
            await SettleAsync(() => queue.RetryAsync(message, CancellationToken.None));
            await PauseAsync(TimeSpan.FromSeconds(1), stoppingToken);
            return;
        }

        if (!withinCap)
        {
            LogCapped(notification.Template);
            audit.Record(new AuditEvent("notification.sms", "capped", "system", Detail: notification.Template));
            await SettleAsync(() => queue.AcknowledgeAsync(message, CancellationToken.None));
            return;
        }

        try
        {
            if (viaProviders)
            {
                var routed = await sms!.SendAsync(stamped, stoppingToken);
                if (routed == SmsRouteOutcome.Wait)
                {
                    // Every provider is down: the message waits in the outbox (on any node), not in this loop.
                    await SettleAsync(() => queue.DeferAsync(message, smsOptions.Value.RetryPause, CancellationToken.None));
                    return;
                }

                if (routed == SmsRouteOutcome.GivenUp)
                {
                    audit.Record(new AuditEvent("notification.sms", "given_up", "system", Detail: notification.Template));
                }
            }

            foreach (var sender in senders.Where(s => s.Delivers(notification.Channel)))
            {
                await DeliverAsync(sender, stamped, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping mid-delivery: hand the message back rather than wait out its visibility timeout.
            await SettleAsync(() => queue.RetryAsync(message, CancellationToken.None));
            return;
        }

        await SettleAsync(() => queue.AcknowledgeAsync(message, CancellationToken.None));
    }

    private async Task<bool> WithinPhoneCapAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (notification.Channel != NotificationChannel.Sms)
        {
            return true;
        }

        // Keyed: the limiter's key (a Redis key on the shared store) never holds the phone number.
        var bucket = new RateLimitKey("sms:phone:" + KeyedHash.ComputeHex(keys.CodeKey, "sms-phone:" + notification.To), options.Value.SmsPerPhone);
        return (await limiter.TryAcquireAsync([bucket], time.GetUtcNow(), cancellationToken)).Allowed;
    }

    // A failed acknowledgement means a second delivery later, never a lost message: log and go on.
    private async Task SettleAsync(Func<Task> settle)
    {
        try
        {
            await settle();
        }
        catch (Exception ex)
        {
            LogSettleFailed(ex.GetType().Name);
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
            catch (PermanentDeliveryException ex)
            {
                // Refused for good: another try would be refused again. Recorded, not retried.
                LogRejected(notification.Template, ex.Reason);
                audit.Record(new AuditEvent("notification." + notification.Channel.ToString().ToLowerInvariant(), "rejected", "system", Detail: notification.Template));
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

    private static async Task PauseAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            // Real time on purpose: a pause before asking an unreachable store again is pacing, not
            // domain time, and must not freeze under a test's fake clock.
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS {Template} not sent: its phone reached Notifications:SmsPerPhone")]
    private partial void LogCapped(string template);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of {Template} failed on attempt {Attempt} ({ErrorType})")]
    private partial void LogDeliveryFailed(string template, int attempt, string errorType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery of {Template} refused permanently by the provider ({Reason}); not retried")]
    private partial void LogRejected(string template, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery of {Template} given up after {Attempts} attempts")]
    private partial void LogGivenUp(string template, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The notification queue is unavailable ({ErrorType}); retrying in 1 s")]
    private partial void LogQueueUnavailable(string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A delivered notification could not be settled ({ErrorType}); it may be delivered again")]
    private partial void LogSettleFailed(string errorType);
}
