namespace Recovery.AuthServer.Otp;

/// <summary>What became of a pending enrolment handed to <see cref="IAuthenticatorStore.SavePendingAsync"/>.</summary>
public enum PendingSaveStatus
{
    /// <summary>Stored, replacing any earlier pending enrolment.</summary>
    Saved,

    /// <summary>An earlier enrolment, still valid, is within its cooldown: nothing changed.</summary>
    TooSoon,

    /// <summary>The customer's credentials are no longer at the version the caller's session was opened at (or are gone): nothing changed.</summary>
    StaleCredentials,
}
