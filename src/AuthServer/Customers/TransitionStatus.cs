namespace Recovery.AuthServer.Customers;

/// <summary>What a credential change (a recovery's restore, a signed password change) did.</summary>
public enum TransitionStatus
{
    /// <summary>Applied now: the store records the change as applied in the same atomic step.</summary>
    Applied = 1,

    /// <summary>Applied by an earlier call with the same change id: nothing changes, it is in force.</summary>
    AlreadyApplied = 2,

    /// <summary>The change was settled as dropped before it could apply: nothing changes, ever.</summary>
    Dropped = 3,

    /// <summary>The credentials moved on from the version the change was made against: nothing changes.</summary>
    Stale = 4,
}
