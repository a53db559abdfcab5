using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Audit;

/// <summary>
/// Writes audit events as structured log records on the "Recovery.Audit" category, and counts them by action
/// and outcome (<see cref="AuditMetrics"/>).
/// </summary>
public sealed partial class LoggingAuditLog(ILoggerFactory loggerFactory, TimeProvider time, AuditMetrics metrics, SecretKeys keys) : IAuditLog
{
    private readonly ILogger logger = loggerFactory.CreateLogger("Recovery.Audit");

    public void Record(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var e = auditEvent with { Time = time.GetUtcNow() };
        Log(e.Action, e.Outcome, e.Channel, e.CustomerId ?? "-", e.SubjectId is null ? "-" : SubjectHash(keys, e.SubjectId), e.Detail ?? "-", e.Time);
        metrics.StepAudited(e.Action, e.Outcome);
    }

    /// <summary>
    /// What the log says instead of a recovery id or an operation reference: a keyed hash of it. Why: a recovery id
    /// (with the code it waits for) confirms a recovery and a reference lets an agent act on an operation, and audit
    /// logs are read by more people and kept longer than the store; the hash still ties together the lines of one
    /// recovery or operation, and an operator holding the id (and the <c>CodeKey</c>) can compute it to search.
    /// 128 bits of HMAC-SHA256 under a label of its own, so it matches no other hash the server keeps.
    /// </summary>
    public static string SubjectHash(SecretKeys keys, string subjectId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return "h:" + KeyedHash.ComputeHex(keys.CodeKey, "audit-subject:" + subjectId)[..32];
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information,
        Message = "audit {Action} {Outcome} channel={Channel} customer={CustomerId} subject={SubjectId} detail={Detail} at={Time}")]
    private partial void Log(string action, string outcome, string channel, string customerId, string subjectId, string detail, DateTimeOffset time);
}
