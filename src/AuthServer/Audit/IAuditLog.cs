namespace Recovery.AuthServer.Audit;

public interface IAuditLog
{
    void Record(AuditEvent auditEvent);
}
