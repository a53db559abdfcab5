using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Observability;

/// <summary>
/// The meter <c>Recovery.AuthServer</c>, whose instruments each owner creates: the names, units and kinds that docs
/// and dashboards rely on, and what each owner's instruments read.
/// </summary>
public sealed class RecoveryMeterTests
{
    [Fact]
    public void Owners_CreateEveryInstrument_WithItsNameUnitAndKind()
    {
        using var metrics = new TestMetrics();
        using var gate = new Argon2Gate(1, 1, TestClock.Create(), metrics.Factory);
        _ = new AdmissionGate(Options.Create(new AdmissionOptions()), metrics.Factory);
        _ = new SmsMetrics(metrics.Factory);
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions()));
        using var dispatcher = Dispatcher(outbox, metrics.Factory);

        var published = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, metrics.Factory))
                {
                    published.Add($"{instrument.Meter.Name} {instrument.Name} {instrument.Unit} {instrument.GetType().Name}");
                }
            },
        };
        listener.Start();

        Assert.Equal(
            [
                "Recovery.AuthServer recovery.argon2.computed {hash} ObservableCounter`1",
                "Recovery.AuthServer recovery.argon2.dropped {hash} ObservableCounter`1",
                "Recovery.AuthServer recovery.argon2.hash_time ms ObservableGauge`1",
                "Recovery.AuthServer recovery.argon2.predicted_wait ms ObservableGauge`1",
                "Recovery.AuthServer recovery.argon2.queued {hash} ObservableGauge`1",
                "Recovery.AuthServer recovery.argon2.running {hash} ObservableGauge`1",
                "Recovery.AuthServer recovery.audit.steps {step} Counter`1",
                "Recovery.AuthServer recovery.outbox.backlog {message} ObservableGauge`1",
                "Recovery.AuthServer recovery.rpc.completed {call} Counter`1",
                "Recovery.AuthServer recovery.rpc.in_flight {call} ObservableGauge`1",
                "Recovery.AuthServer recovery.sms.failovers {message} Counter`1",
                "Recovery.AuthServer recovery.sms.given_up {message} Counter`1",
                "Recovery.AuthServer recovery.sms.reports {report} Counter`1",
                "Recovery.AuthServer recovery.sms.sent {message} Counter`1",
            ],
            published.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LoggingAuditLog_Record_CountsTheStepByActionAndOutcomeOnly()
    {
        using var metrics = new TestMetrics();
        using var steps = new MetricCollector<long>(metrics.Factory, RecoveryMeter.Name, "recovery.audit.steps");
        var audit = new LoggingAuditLog(NullLoggerFactory.Instance, TestClock.Create(), metrics.Audit, TestKeys.Create());

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
    public async Task Argon2Gate_Gauges_ReadTheGateAsItIs()
    {
        using var metrics = new TestMetrics();
        using var gate = new Argon2Gate(1, 1, TestClock.Create(), metrics.Factory);
        using var running = new MetricCollector<int>(metrics.Factory, RecoveryMeter.Name, "recovery.argon2.running");
        using var queued = new MetricCollector<int>(metrics.Factory, RecoveryMeter.Name, "recovery.argon2.queued");
        using var computed = new MetricCollector<long>(metrics.Factory, RecoveryMeter.Name, "recovery.argon2.computed");

        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var first = gate.RunAsync(() => { started.Set(); release.Wait(); return 1; }, null, CancellationToken.None);
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
        var second = gate.RunAsync(() => 2, null, CancellationToken.None);

        running.RecordObservableInstruments();
        queued.RecordObservableInstruments();
        release.Set();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        computed.RecordObservableInstruments();

        Assert.Equal(1, running.LastMeasurement!.Value);
        Assert.Equal(1, queued.LastMeasurement!.Value);
        Assert.Equal(2, computed.LastMeasurement!.Value);
    }

    [Fact]
    public async Task NotificationDispatcher_BacklogGauge_ReadsTheOutboxAsItIs()
    {
        using var metrics = new TestMetrics();
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions()));
        using var dispatcher = Dispatcher(outbox, metrics.Factory);
        using var backlog = new MetricCollector<long>(metrics.Factory, RecoveryMeter.Name, "recovery.outbox.backlog");

        await outbox.EnqueueAsync([Sms(), Sms(), Sms()], CancellationToken.None);
        backlog.RecordObservableInstruments();

        Assert.Equal(3, backlog.LastMeasurement!.Value);
    }

    [Fact]
    public void AdmissionGate_InFlightGauge_CountsCallsInProgress()
    {
        using var metrics = new TestMetrics();
        var gate = new AdmissionGate(Options.Create(new AdmissionOptions { MaxInFlight = 2 }), metrics.Factory);
        using var inFlight = new MetricCollector<int>(metrics.Factory, RecoveryMeter.Name, "recovery.rpc.in_flight");

        Assert.True(gate.TryEnter());
        Assert.True(gate.TryEnter());
        Assert.False(gate.TryEnter());
        inFlight.RecordObservableInstruments();
        gate.Leave();

        // The refused third call is not counted: it never got in.
        Assert.Equal(2, inFlight.LastMeasurement!.Value);
    }

    private static NotificationDispatcher Dispatcher(InMemoryNotificationOutbox outbox, IMeterFactory meterFactory) =>
        new(outbox, [], null, new InMemoryRateLimiter(), TestKeys.Create(), new LoggingAuditLog(NullLoggerFactory.Instance, TestClock.Create(),
                new AuditMetrics(meterFactory), TestKeys.Create()),
            Options.Create(new NotificationOptions()), Options.Create(new SmsOptions()), TestClock.Create(), NullLogger<NotificationDispatcher>.Instance,
            outbox, meterFactory);

    private static Notification Sms() =>
        new(NotificationChannel.Sms, "+34600000000", NotificationTemplates.RecoveryCode, new Dictionary<string, string> { ["code"] = "123456" }, "text", "es-ES");
}
