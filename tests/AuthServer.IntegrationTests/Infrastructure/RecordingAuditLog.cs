using Recovery.AuthServer.Audit;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Keeps every audit event in memory, so tests can tell which steps the server took, and hands it on to the
/// server's own audit log (the log record and the step metrics), as in production.
/// </summary>
internal sealed class RecordingAuditLog : IAuditLog
{
    private readonly Lock gate = new();
    private static long sequence;
    private readonly List<AuditEvent> events = [];
    private readonly List<long> sequences = [];

    /// <summary>The server's audit log, set when the server is built.</summary>
    public IAuditLog? Inner { get; set; }

    public IReadOnlyList<AuditEvent> Events
    {
        get
        {
            lock (gate)
            {
                return events.ToArray();
            }
        }
    }

    /// <summary>Events with a number that orders them across every server of the test process (several nodes).</summary>
    public IReadOnlyList<(long Sequence, AuditEvent Event)> Numbered
    {
        get
        {
            lock (gate)
            {
                return sequences.Zip(events).ToArray();
            }
        }
    }

    public IReadOnlyList<AuditEvent> Of(string action) => Events.Where(e => e.Action == action).ToArray();

    public void Record(AuditEvent auditEvent)
    {
        lock (gate)
        {
            events.Add(auditEvent);
            sequences.Add(Interlocked.Increment(ref sequence));
        }

        Inner?.Record(auditEvent);
    }
}
