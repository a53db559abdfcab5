using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Observability;

namespace Recovery.AuthServer.Audit;

/// <summary>
/// Writes audit events as structured log records on the "Recovery.Audit" category, and counts them by action
/// and outcome (<see cref="RecoveryMetrics"/>).
/// </summary>
public sealed partial class LoggingAuditLog(ILoggerFactory loggerFactory, TimeProvider time, RecoveryMetrics metrics) : IAuditLog
{
    private readonly ILogger logger = loggerFactory.CreateLogger("Recovery.Audit");

    public void Record(AuditEvent auditEvent)
    {
        var e = auditEvent with { Time = time.GetUtcNow() };
        Log(e.Action, e.Outcome, e.Channel, e.CustomerId ?? "-", e.SubjectId ?? "-", e.Detail ?? "-", e.Time);
        metrics.StepAudited(e.Action, e.Outcome);
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information,
        Message = "audit {Action} {Outcome} channel={Channel} customer={CustomerId} subject={SubjectId} detail={Detail} at={Time}")]
    private partial void Log(string action, string outcome, string channel, string customerId, string subjectId, string detail, DateTimeOffset time);
}
