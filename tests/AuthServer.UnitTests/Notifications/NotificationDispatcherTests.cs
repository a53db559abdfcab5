using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Notifications;

public sealed class NotificationDispatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SmsBeyondThePhonesCap_DroppedAndAuditedWhileOtherPhonesAndEmailsGoThrough()
    {
        var options = Options.Create(new NotificationOptions { SmsPerPhone = RateLimitRule.Of(2, TimeSpan.FromHours(24)) });
        var outbox = new InMemoryNotificationOutbox(options);
        var sender = new CountingSender();
        var audit = new ListAuditLog();
        using var metrics = new TestMetrics();
        using var dispatcher = new NotificationDispatcher(
            outbox, [sender], null, new InMemoryRateLimiter(), TestKeys.Create(), audit, options, Options.Create(new SmsOptions()), TestClock.Create(), NullLogger<NotificationDispatcher>.Instance,
            outbox, metrics.Factory);

        await outbox.EnqueueAsync(
            [Sms("+34600000001", "1"), Sms("+34600000001", "2"), Sms("+34600000001", "3"), Sms("+34600000002", "4"), Email("a@example.es", "5")],
            CancellationToken.None);
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await sender.WaitForAsync(4).WaitAsync(Timeout);
            await Until(() => audit.Events.Count == 1).WaitAsync(Timeout);
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None).WaitAsync(Timeout);
        }

        Assert.Equal(["1", "2", "4", "5"], sender.Sent.Select(n => n.Values["code"]).Order());
        var capped = Assert.Single(audit.Events);
        Assert.Equal(("notification.sms", "capped", NotificationTemplates.RecoveryCode), (capped.Action, capped.Outcome, capped.Detail));
        Assert.DoesNotContain("+34600000001", capped.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, outbox.Backlog);
    }

    [Fact]
    public async Task PermanentRejection_NotRetriedAndAudited_WhileTheNextMessageGoesThroughWithItsOutboxId()
    {
        var options = Options.Create(new NotificationOptions { MaxDeliveryAttempts = 5 });
        var outbox = new InMemoryNotificationOutbox(options);
        var sender = new CountingSender { RejectCode = "1" };
        var audit = new ListAuditLog();
        using var metrics = new TestMetrics();
        using var dispatcher = new NotificationDispatcher(
            outbox, [sender], null, new InMemoryRateLimiter(), TestKeys.Create(), audit, options, Options.Create(new SmsOptions()), TestClock.Create(), NullLogger<NotificationDispatcher>.Instance,
            outbox, metrics.Factory);

        await outbox.EnqueueAsync([Sms("+34600000001", "1"), Sms("+34600000002", "2")], CancellationToken.None);
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await sender.WaitForAsync(1).WaitAsync(Timeout);
            await Until(() => audit.Events.Count == 1).WaitAsync(Timeout);
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None).WaitAsync(Timeout);
        }

        Assert.Equal(1, sender.Rejections);
        var delivered = Assert.Single(sender.Sent);
        Assert.Equal("2", delivered.Values["code"]);
        Assert.False(string.IsNullOrEmpty(delivered.MessageId));
        var rejected = Assert.Single(audit.Events);
        Assert.Equal(("notification.sms", "rejected"), (rejected.Action, rejected.Outcome));
    }

    [Fact]
    public async Task Decoys_DroppedUnsentUncountedAndUnaudited_WhileTheRealMessageBehindThemGoesThrough()
    {
        // A cap of one per phone: a decoy that counted toward it would stop the real SMS to the same number.
        var options = Options.Create(new NotificationOptions { SmsPerPhone = RateLimitRule.Of(1, TimeSpan.FromHours(24)) });
        var outbox = new InMemoryNotificationOutbox(options);
        var sender = new CountingSender();
        var audit = new ListAuditLog();
        using var metrics = new TestMetrics();
        using var dispatcher = new NotificationDispatcher(
            outbox, [sender], null, new InMemoryRateLimiter(), TestKeys.Create(), audit, options, Options.Create(new SmsOptions()), TestClock.Create(), NullLogger<NotificationDispatcher>.Instance,
            outbox, metrics.Factory);

        await outbox.EnqueueAsync([Sms("+34600000000", "1") with { Decoy = true }, Sms("+34600000000", "2") with { Decoy = true }, Sms("+34600000000", "3")], CancellationToken.None);
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await sender.WaitForAsync(1).WaitAsync(Timeout);
            await Until(() => outbox.Backlog == 0).WaitAsync(Timeout);
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None).WaitAsync(Timeout);
        }

        Assert.Equal("3", Assert.Single(sender.Sent).Values["code"]);
        Assert.Empty(audit.Events);
    }

    private static Notification Sms(string phone, string code) =>
        new(NotificationChannel.Sms, phone, NotificationTemplates.RecoveryCode, new Dictionary<string, string> { ["code"] = code }, "text", "es-ES");

    private static Notification Email(string to, string code) =>
        new(NotificationChannel.Email, to, NotificationTemplates.RecoveryUserCode, new Dictionary<string, string> { ["code"] = code }, "text", "es-ES");

    private static async Task Until(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10);
        }
    }

    private sealed class CountingSender : INotificationSender
    {
        private readonly ConcurrentQueue<Notification> sent = new();

        public IReadOnlyList<Notification> Sent => [.. sent];

        private int rejections;

        public string? RejectCode { get; init; }

        public int Rejections => Volatile.Read(ref rejections);

        public Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            if (notification.Values["code"] == RejectCode)
            {
                Interlocked.Increment(ref rejections);
                throw new PermanentDeliveryException("test-rejection");
            }

            sent.Enqueue(notification);
            return Task.CompletedTask;
        }

        public Task WaitForAsync(int count) => Until(() => sent.Count >= count);
    }

    private sealed class ListAuditLog : IAuditLog
    {
        private readonly ConcurrentQueue<AuditEvent> events = new();

        public IReadOnlyList<AuditEvent> Events => [.. events];

        public void Record(AuditEvent auditEvent) => events.Enqueue(auditEvent);
    }
}
