namespace Recovery.AuthServer.Otp;

public enum VerifyStatus
{
    /// <summary>Right code: the challenge is now used and will accept nothing more.</summary>
    Verified,

    /// <summary>Wrong code; more tries remain on this code.</summary>
    Incorrect,

    /// <summary>Wrong code and none left (this try or earlier); a resend is needed.</summary>
    Burned,

    Expired,

    AlreadyUsed,

    /// <summary>The failure limit over all codes was reached (this try or earlier), or the challenge was cancelled.</summary>
    Closed,

    NotFound,
}
