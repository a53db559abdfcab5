namespace Recovery.AuthServer.Otp;

public enum ChallengeState
{
    /// <summary>The current code can be tried.</summary>
    Active,

    /// <summary>The current code took too many wrong tries; a resend issues a new one.</summary>
    Burned,

    /// <summary>A code was accepted; the challenge is over.</summary>
    Used,

    /// <summary>Too many failures over all codes, or cancelled: nothing will be accepted again.</summary>
    Closed,
}
