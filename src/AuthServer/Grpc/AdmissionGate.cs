using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Counts the node's calls in progress against <see cref="AdmissionOptions.MaxInFlight"/>; given a meter factory, it
/// reports them (<c>recovery.rpc.in_flight</c>, meter <see cref="RecoveryMeter.Name"/>).
/// </summary>
public sealed class AdmissionGate
{
    private readonly int max;
    private int inFlight;

    public AdmissionGate(IOptions<AdmissionOptions> options, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        max = options.Value.MaxInFlight;
        meterFactory?.Create(RecoveryMeter.Name)
            .CreateObservableGauge("recovery.rpc.in_flight", () => InFlight, "{call}", "Calls in progress on this node (Admission:MaxInFlight at most).");
    }

    /// <summary>Calls in progress now (a gauge for operators).</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Takes a place if one is free; the caller must <see cref="Leave"/> once done.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref inFlight) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref inFlight);
        return false;
    }

    public void Leave() => Interlocked.Decrement(ref inFlight);
}
