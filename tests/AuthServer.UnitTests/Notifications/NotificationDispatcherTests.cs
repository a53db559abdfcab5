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
        using var run = new Dispatching(new NotificationOptions { SmsPerPhone = RateLimitRule.Of(2, TimeSpan.FromHours(24)) }, new CountingSender());
        var (outbox, sender, audit) = (run.Outbox, run.Sender, run.Audit);

        await outbox.EnqueueAsync(
            [Sms("+34600000001", "1"), Sms("+34600000001", "2"), Sms("+34600000001", "3"), Sms("+34600000002", "4"), Email("a@example.es", "5")],
            CancellationToken.None);
        await run.UntilAsync(async () =>
        {
            await sender.WaitForAsync(4);
            await Until(() => audit.Events.Count == 1);
        });

        // The dispatcher's loops take the messages in parallel (Notifications:DispatchConcurrency), so which two of the first
        // phone's three SMS go through is theirs to decide: two of them do, the third is capped, the others all go.
        var sent = sender.Sent.Select(n => n.Values["code"]).ToList();
        Assert.Equal(4, sent.Count);
        Assert.Equal(2, sent.Count(code => code is "1" or "2" or "3"));
        Assert.Contains("4", sent);
        Assert.Contains("5", sent);
        var capped = Assert.Single(audit.Events);
        Assert.Equal(("notification.sms", "capped", NotificationTemplates.RecoveryCode), (capped.Action, capped.Outcome, capped.Detail));
        Assert.DoesNotContain("+34600000001", capped.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, outbox.Backlog);
    }

    [Fact]
    public async Task PermanentRejection_NotRetriedAndAudited_WhileTheNextMessageGoesThroughWithItsOutboxId()
    {
        using var run = new Dispatching(new NotificationOptions { MaxDeliveryAttempts = 5 }, new CountingSender { RejectCode = "1" });
        var (outbox, sender, audit) = (run.Outbox, run.Sender, run.Audit);

        await outbox.EnqueueAsync([Sms("+34600000001", "1"), Sms("+34600000002", "2")], CancellationToken.None);
        await run.UntilAsync(async () =>
        {
            await sender.WaitForAsync(1);
            await Until(() => audit.Events.Count == 1);
        });

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
        using var run = new Dispatching(new NotificationOptions { SmsPerPhone = RateLimitRule.Of(1, TimeSpan.FromHours(24)) }, new CountingSender());
        var (outbox, sender, audit) = (run.Outbox, run.Sender, run.Audit);

        // The outboxes discard a decoy given to them to enqueue; decoys queued by an earlier version (on Redis, after an
        // upgrade) still reach the dispatcher. They come here through a hold, whose release queues what it holds as is.
        await outbox.HoldAsync("change-1", "customer-1", [Sms("+34600000000", "1") with { Decoy = true }, Sms("+34600000000", "2") with { Decoy = true }, Sms("+34600000000", "3")], CancellationToken.None);
        await outbox.ReleaseAsync("change-1", CancellationToken.None);
        Assert.Equal(3, outbox.Reader.Count);
        await run.UntilAsync(async () =>
        {
            await sender.WaitForAsync(1);
            await Until(() => outbox.Backlog == 0);
        });

        Assert.Equal("3", Assert.Single(sender.Sent).Values["code"]);
        Assert.Empty(audit.Events);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Dispatch_SenderHoldsOneMessageUntilAnotherIsDelivered_TheOtherIsNotHeldBehindIt(int concurrency)
    {
        // Message A's provider call returns only once B has been delivered: with one loop it would wait forever
        // (B queued behind A; this test then times out), with several B goes through another loop and A completes.
        var sender = new HoldingSender(held: "A", until: "B");
        using var run = new Dispatching(new NotificationOptions { DispatchConcurrency = concurrency }, sender);
        await run.Outbox.EnqueueAsync([Email("a@example.es", "A")], CancellationToken.None);
        await run.Outbox.EnqueueAsync([Email("b@example.es", "B")], CancellationToken.None);

        await run.UntilAsync(() => sender.Completed(2));

        Assert.Equal(["B", "A"], sender.Delivered);
        Assert.Equal(0, run.Outbox.Backlog);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task Dispatch_ManyMessagesSeveralLoops_EachDeliveredExactlyOnce(int concurrency)
    {
        const int Messages = 200;
        var sender = new CountingSender();
        using var run = new Dispatching(new NotificationOptions { DispatchConcurrency = concurrency }, sender);
        for (var i = 0; i < Messages; i++)
        {
            await run.Outbox.EnqueueAsync([Email("a@example.es", i.ToString(System.Globalization.CultureInfo.InvariantCulture))], CancellationToken.None);
        }

        await run.UntilAsync(() => sender.WaitForAsync(Messages));

        // Counted after the host stopped: no loop can still be delivering a second copy.
        Assert.Equal(Enumerable.Range(0, Messages).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), sender.Sent.Select(n => n.Values["code"]).Order());
        Assert.Equal(Messages, sender.Sent.Select(n => n.MessageId).Distinct().Count());
        Assert.Equal(0, run.Outbox.Backlog);
    }

    [Fact]
    public async Task Dispatch_EightLoopsManySmsToOnePhone_NeverMoreThanThePhonesCap()
    {
        const int Messages = 40;
        var sender = new CountingSender();
        using var run = new Dispatching(new NotificationOptions { DispatchConcurrency = 8, SmsPerPhone = RateLimitRule.Of(3, TimeSpan.FromHours(24)) }, sender);
        for (var i = 0; i < Messages; i++)
        {
            await run.Outbox.EnqueueAsync([Sms("+34600000001", i.ToString(System.Globalization.CultureInfo.InvariantCulture))], CancellationToken.None);
        }

        await run.UntilAsync(() => Until(() => sender.Sent.Count + run.Audit.Events.Count == Messages));

        Assert.Equal(3, sender.Sent.Count);
        Assert.Equal(Messages - 3, run.Audit.Events.Count(e => e.Outcome == "capped"));
    }

    [Fact]
    public async Task StopAsync_EveryLoopMidDelivery_EachMessagePutBackAndNoneDelivered()
    {
        const int Loops = 3;
        var sender = new BlockedSender();
        using var run = new Dispatching(new NotificationOptions { DispatchConcurrency = Loops }, sender);
        await run.Outbox.EnqueueAsync([Email("a@example.es", "1"), Email("b@example.es", "2"), Email("c@example.es", "3")], CancellationToken.None);

        // Stopped once every loop is inside a provider call.
        await run.UntilAsync(() => sender.Entered(Loops));

        Assert.Equal(0, sender.Returned);
        Assert.Equal(Loops, run.Outbox.Reader.Count);
        Assert.Equal(Loops, run.Outbox.Backlog);
        var back = new List<Notification>();
        while (run.Outbox.Reader.TryRead(out var notification))
        {
            back.Add(notification);
        }

        Assert.Equal(["1", "2", "3"], back.Select(n => n.Values["code"]).Order());
        Assert.All(back, n => Assert.False(string.IsNullOrEmpty(n.MessageId)));
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

    /// <summary>A dispatcher over an in-memory outbox with one sender, an audit list and its own meters.</summary>
    private sealed class Dispatching : IDisposable
    {
        private readonly TestMetrics metrics = new();
        private readonly NotificationDispatcher dispatcher;

        public Dispatching(NotificationOptions notificationOptions, INotificationSender sender)
        {
            var options = Options.Create(notificationOptions);
            Outbox = new InMemoryNotificationOutbox(options);
            Sender = sender as CountingSender ?? new CountingSender();
            dispatcher = new NotificationDispatcher(
                Outbox, [sender], null, new InMemoryRateLimiter(), TestKeys.Create(), Audit, options, Options.Create(new SmsOptions()), TestClock.Create(),
                NullLogger<NotificationDispatcher>.Instance, Outbox, metrics.Factory);
        }

        public InMemoryNotificationOutbox Outbox { get; }

        /// <summary>The sender when it is a <see cref="CountingSender"/>, otherwise an unused one.</summary>
        public CountingSender Sender { get; }

        public ListAuditLog Audit { get; } = new();

        /// <summary>Runs the dispatcher until <paramref name="done"/> completes (within the test's timeout), then stops it.</summary>
        public async Task UntilAsync(Func<Task> done)
        {
            await dispatcher.StartAsync(CancellationToken.None);
            try
            {
                await done().WaitAsync(Timeout);
            }
            finally
            {
                await dispatcher.StopAsync(CancellationToken.None).WaitAsync(Timeout);
            }
        }

        public void Dispose()
        {
            dispatcher.Dispose();
            metrics.Dispose();
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

    /// <summary>Holds message <c>held</c> in its provider call until message <c>until</c> has been delivered.</summary>
    private sealed class HoldingSender(string held, string until) : INotificationSender
    {
        private readonly TaskCompletionSource untilDelivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<string> delivered = new();

        public IReadOnlyList<string> Delivered => [.. delivered];

        public Task Completed(int count) => Until(() => delivered.Count >= count);

        public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            var code = notification.Values["code"];
            if (code == held)
            {
                await untilDelivered.Task.WaitAsync(cancellationToken);
            }

            delivered.Enqueue(code);
            if (code == until)
            {
                untilDelivered.TrySetResult();
            }
        }
    }

    /// <summary>A provider call that returns only when the host stops (its token is cancelled).</summary>
    private sealed class BlockedSender : INotificationSender
    {
        private int entered;
        private int returned;

        public int Returned => Volatile.Read(ref returned);

        public Task Entered(int count) => Until(() => Volatile.Read(ref entered) >= count);

        public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref entered);
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
            Interlocked.Increment(ref returned);
        }
    }

    private sealed class ListAuditLog : IAuditLog
    {
        private readonly ConcurrentQueue<AuditEvent> events = new();

        public IReadOnlyList<AuditEvent> Events => [.. events];

        public void Record(AuditEvent auditEvent) => events.Enqueue(auditEvent);
    }
}
