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
        var e = auditEvent;

        // The subject's keyed hash is computed only for a line that will be written.
        if (logger.IsEnabled(LogLevel.Information))
        {
            var subject = e.SubjectId is null ? "-" : SubjectHash(keys, e.SubjectId);
            var at = time.GetUtcNow();
            Log(e.Action, e.Outcome, e.Channel, e.CustomerId ?? "-", subject, e.Detail ?? "-", at);
        }

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
        Span<byte> mac = stackalloc byte[32];
        KeyedHash.ComputeInto(keys.CodeKey, "audit-subject:" + subjectId, mac);

        // "h:" and the hex of the first 16 bytes, assembled on the stack: one string per audited step, not four.
        Span<char> text = stackalloc char[2 + 32];
        text[0] = 'h';
        text[1] = ':';
        Convert.TryToHexStringLower(mac[..16], text[2..], out _);
        return new string(text);
    }

    // Record checks the level once itself (the subject's hash is only worth computing for a line that is written).
    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, SkipEnabledCheck = true,
        Message = "audit {Action} {Outcome} channel={Channel} customer={CustomerId} subject={SubjectId} detail={Detail} at={Time}")]
    private partial void Log(string action, string outcome, string channel, string customerId, string subjectId, string detail, DateTimeOffset time);
}
