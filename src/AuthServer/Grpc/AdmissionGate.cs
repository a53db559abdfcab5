using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Grpc;

/// <summary>Counts the node's calls in progress against <see cref="AdmissionOptions.MaxInFlight"/>.</summary>
public sealed class AdmissionGate(IOptions<AdmissionOptions> options)
{
    private readonly int max = options.Value.MaxInFlight;
    private int inFlight;

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
