namespace Recovery.AuthServer.Customers;

/// <summary>The credentials after a change, and what the change did.</summary>
public readonly record struct CredentialTransition(CredentialRecord Credentials, TransitionStatus Status)
{
    /// <summary>The change is in force, now or by an earlier call.</summary>
    public bool InForce => Status is TransitionStatus.Applied or TransitionStatus.AlreadyApplied;
}
