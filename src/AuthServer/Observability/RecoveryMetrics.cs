using System.Diagnostics.Metrics;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.Observability;

/// <summary>
/// The server's own metrics (meter <c>Recovery.AuthServer</c>), for operators watching a burst: how every RPC
/// ended (status and reason, so explicit shedding is told from errors), every audited step's outcome, and the
/// two queues that shed load (Argon2 admission, notification outbox). Read them with <c>dotnet-counters</c>, or
/// export them over OTLP (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>). No tag ever holds a customer id, card, code or token.
/// </summary>
public sealed class RecoveryMetrics
{
    public const string MeterName = "Recovery.AuthServer";

    private readonly Counter<long> rpcs;
    private readonly Counter<long> steps;

    public RecoveryMetrics(IMeterFactory meterFactory, Argon2Gate gate, INotificationOutbox outbox, Grpc.AdmissionGate admission)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        rpcs = meter.CreateCounter<long>("recovery.rpc.completed", "{call}",
            "RPCs answered, by method, gRPC status and error reason (OK for success).");
        steps = meter.CreateCounter<long>("recovery.audit.steps", "{step}",
            "Audited steps, by action and outcome (e.g. recovery.start code_sent, access.login wrong_password).");
        meter.CreateObservableGauge("recovery.rpc.in_flight", () => admission.InFlight, "{call}", "Calls in progress on this node (Admission:MaxInFlight at most).");
        meter.CreateObservableGauge("recovery.argon2.running", () => gate.Running, "{hash}", "Password hashes running now.");
        meter.CreateObservableGauge("recovery.argon2.queued", () => gate.Queued, "{hash}", "Password hashes waiting for the admission gate.");
        meter.CreateObservableCounter("recovery.argon2.computed", () => gate.Computed, "{hash}", "Password hashes computed since start.");
        meter.CreateObservableGauge("recovery.argon2.hash_time", () => gate.AverageHashTime.TotalMilliseconds, "ms", "Moving average of one hash.");
        meter.CreateObservableGauge("recovery.outbox.backlog", () => outbox.Backlog, "{message}", "SMS and e-mails queued and not yet delivered.");
    }

    /// <param name="method">The gRPC method's full name, e.g. /recovery.v1.RecoveryService/StartRecovery.</param>
    /// <param name="status">The status code the call ended with.</param>
    /// <param name="reason">The ErrorInfo reason; OK for success.</param>
    public void RpcCompleted(string method, string status, string reason) =>
        rpcs.Add(1, new KeyValuePair<string, object?>("rpc.method", method), new KeyValuePair<string, object?>("rpc.grpc.status_code", status),
            new KeyValuePair<string, object?>("recovery.reason", reason));

    public void StepAudited(string action, string outcome) =>
        steps.Add(1, new KeyValuePair<string, object?>("recovery.action", action), new KeyValuePair<string, object?>("recovery.outcome", outcome));
}
