namespace Recovery.AuthServer.Otp;

/// <summary>What a code presented to sign an operation was, as a TOTP code.</summary>
public enum TotpUse
{
    /// <summary>The customer has no confirmed authenticator.</summary>
    NotEnrolled,

    /// <summary>Not a code of the window.</summary>
    Incorrect,

    /// <summary>A code of the window, later than any used before; its step is now used.</summary>
    Accepted,

    /// <summary>A code of the window whose step (or a later one) was already used.</summary>
    Replayed,
}
