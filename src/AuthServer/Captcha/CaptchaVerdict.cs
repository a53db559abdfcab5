namespace Recovery.AuthServer.Captcha;

/// <summary>What a captcha check concluded.</summary>
public enum CaptchaVerdict
{
    /// <summary>A human solved it, it was meant for us, and it was not used before.</summary>
    Accepted,

    /// <summary>Not accepted: invalid, expired, for another site or action, too low a score, or replayed.</summary>
    Rejected,

    /// <summary>
    /// We could not tell (provider down, slow, answering garbage, or refusing our own credentials). The step is
    /// refused all the same: a captcha that lets callers through when its provider fails is no captcha.
    /// </summary>
    Unavailable,
}
