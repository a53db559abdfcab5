namespace Recovery.AuthServer.SharedTests.Otp;

/// <summary>The step a case of <see cref="ChallengeRuleCases"/> takes: one call of ChallengeRules, or of a store.</summary>
internal enum ChallengeAction
{
    /// <summary>Verify with the case's MAC (the SMS code alone can sign).</summary>
    Verify,

    /// <summary>Verify with the case's MAC, counting while inactive (an authenticator app can also sign).</summary>
    VerifyCountingWhileInactive,

    AcceptOtherFactor,

    /// <summary>VerifyIfRight with the case's MAC (a signer with an app: only a right SMS code is decided in the store).</summary>
    VerifyIfRight,

    /// <summary>Reissue with the case's MAC as the new code's.</summary>
    Reissue,

    Close,
}
