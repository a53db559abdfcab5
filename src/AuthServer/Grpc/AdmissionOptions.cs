using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Grpc;

/// <summary>How many calls one node works on at once. Bound from <c>Admission:*</c>.</summary>
public sealed class AdmissionOptions
{
    public const string Section = "Admission";

    /// <summary>
    /// Calls of RecoveryService, AccessService, CallCentreService and DirectoryService in progress on this node at
    /// most; one more is refused at once with UNAVAILABLE OVERLOADED (RetryInfo 1 s) instead of queueing behind the
    /// others and slowing every caller. Health and reflection are never refused. Default 2,000 (1–1,000,000).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxInFlight { get; set; } = 2_000;
}
