using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Observability;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Observability;

public sealed class RecoveryMetricsTests
{
    [Fact]
    public void LoggingAuditLog_Record_CountsTheStepByActionAndOutcomeOnly()
    {
        using var metrics = new TestMetrics();
        using var steps = new MetricCollector<long>(metrics.Factory, RecoveryMetrics.MeterName, "recovery.audit.steps");
        var audit = new LoggingAuditLog(NullLoggerFactory.Instance, TestClock.Create(), metrics.Metrics, TestKeys.Create());

        audit.Record(new AuditEvent("recovery.start", "code_sent", "web", "demo-0001", "rec-1", "detail"));
        audit.Record(new AuditEvent("recovery.start", "code_sent", "ivr", "demo-0002", "rec-2"));

        var all = steps.GetMeasurementSnapshot();
        Assert.Equal(2, all.Count);
        Assert.All(all, m =>
        {
            // Action and outcome only: no customer, subject or channel in a tag.
            Assert.Equal(["recovery.action", "recovery.outcome"], m.Tags.Keys.Order());
            Assert.Equal(("recovery.start", "code_sent"), ((string)m.Tags["recovery.action"]!, (string)m.Tags["recovery.outcome"]!));
        });
    }

    [Fact]
    public async Task Gauges_ReadTheArgon2GateAndTheOutboxAsTheyAre()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions()));
        using var metrics = new TestMetrics(outbox: outbox);
        using var running = new MetricCollector<int>(metrics.Factory, RecoveryMetrics.MeterName, "recovery.argon2.running");
        using var queued = new MetricCollector<int>(metrics.Factory, RecoveryMetrics.MeterName, "recovery.argon2.queued");
        using var backlog = new MetricCollector<long>(metrics.Factory, RecoveryMetrics.MeterName, "recovery.outbox.backlog");

        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var first = metrics.Gate.RunAsync(() => { started.Set(); release.Wait(); return 1; }, null, CancellationToken.None);
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
        var second = metrics.Gate.RunAsync(() => 2, null, CancellationToken.None);
        await outbox.EnqueueAsync([Sms(), Sms(), Sms()], CancellationToken.None);

        running.RecordObservableInstruments();
        queued.RecordObservableInstruments();
        backlog.RecordObservableInstruments();
        release.Set();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, running.LastMeasurement!.Value);
        Assert.Equal(1, queued.LastMeasurement!.Value);
        Assert.Equal(3, backlog.LastMeasurement!.Value);
    }

    private static Notification Sms() =>
        new(NotificationChannel.Sms, "+34600000000", NotificationTemplates.RecoveryCode, new Dictionary<string, string> { ["code"] = "123456" }, "text", "es-ES");
}
