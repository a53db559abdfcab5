namespace Recovery.AuthServer.Idempotency;

/// <summary>What <see cref="IIdempotencyStore.TryBeginAsync"/> found.</summary>
public enum IdempotencyStatus
{
    /// <summary>No marker: one was created and the caller runs the call.</summary>
    New,

    /// <summary>The same request is running elsewhere (or ran on a node that died before finishing).</summary>
    InProgress,

    /// <summary>The same request already ran; its response is stored.</summary>
    Completed,

    /// <summary>The key was used with a different request.</summary>
    Mismatch,
}
