namespace Recovery.AuthServer.Audit;

/// <summary>
/// One audited step: who (customer id, never personal data), which channel, what, and the outcome.
/// Nothing secret belongs here: no PAN (first 6 / last 4 at most), code, password or token.
/// </summary>
public sealed record AuditEvent(
    string Action,
    string Outcome,
    string Channel,
    string? CustomerId = null,
    string? SubjectId = null,
    string? Detail = null)
{
    public DateTimeOffset Time { get; init; }
}
