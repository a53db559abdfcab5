namespace Recovery.Client.Burst;

/// <summary>One second of the burst.</summary>
/// <param name="Second">Seconds since the burst started.</param>
/// <param name="FlowsCompleted">Flows that reached a session in this second.</param>
/// <param name="FlowP99Ms">The p99 time to session of those flows (retries included); 0 when none completed.</param>
/// <param name="AdmittedHashP99Ms">The p99 of admitted ChangePassword and Login (new) calls that ended in this second (the hashing steps); 0 when none.</param>
/// <param name="Shed">Shed answers that arrived in this second.</param>
internal sealed record TimelinePoint(int Second, int FlowsCompleted, double FlowP99Ms, double AdmittedHashP99Ms, int Shed);
