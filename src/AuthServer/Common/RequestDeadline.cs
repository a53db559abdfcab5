namespace Recovery.AuthServer.Common;

/// <summary>
/// The time left to the current call's deadline, carried ambiently (AsyncLocal) from the gRPC
/// interceptor down to work that can refuse early, such as the Argon2 gate, so that no flow signature
/// needs a deadline parameter and the domain never sees Grpc.Core. The budget is measured with the
/// injected <see cref="TimeProvider"/> from the moment it is set.
/// </summary>
public sealed class RequestDeadline(TimeProvider time)
{
    private readonly AsyncLocal<Budget?> current = new();

    /// <summary>Null when the caller set no deadline (or outside a call).</summary>
    public TimeSpan? Remaining => current.Value is { } b ? b.Left - time.GetElapsedTime(b.StartedAt) : null;

    /// <summary>Sets the budget for the calling async flow; disposing restores the previous one.</summary>
    public IDisposable Begin(TimeSpan? left)
    {
        var previous = current.Value;
        current.Value = left is { } l ? new Budget(l, time.GetTimestamp()) : null;
        return new Restore(this, previous);
    }

    private sealed record Budget(TimeSpan Left, long StartedAt);

    private sealed class Restore(RequestDeadline owner, Budget? previous) : IDisposable
    {
        public void Dispose() => owner.current.Value = previous;
    }
}
