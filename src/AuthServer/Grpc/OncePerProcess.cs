namespace Recovery.AuthServer.Grpc;

/// <summary>
/// A flag taken once per process for <typeparamref name="TOwner"/> (a DI singleton): "log once" for a class whose
/// instances live for one call (an authentication handler), without static mutable state.
/// </summary>
public sealed class OncePerProcess<TOwner>
{
    private int taken;

    /// <summary>True for the first caller only.</summary>
    public bool TryTake() => Interlocked.Exchange(ref taken, 1) == 0;
}
