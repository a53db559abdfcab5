using System.Diagnostics.Metrics;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Audit;

/// <summary>
/// Every audited step's outcome (meter <see cref="RecoveryMeter.Name"/>), by action and outcome only: the customer,
/// subject and channel stay in the audit log, never in a tag.
/// </summary>
public sealed class AuditMetrics
{
    private readonly Counter<long> steps;

    public AuditMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        steps = meterFactory.Create(RecoveryMeter.Name).CreateCounter<long>("recovery.audit.steps", "{step}",
            "Audited steps, by action and outcome (e.g. recovery.start code_sent, access.login wrong_password).");
    }

    public void StepAudited(string action, string outcome) =>
        steps.Add(1, new KeyValuePair<string, object?>("recovery.action", action), new KeyValuePair<string, object?>("recovery.outcome", outcome));
}
