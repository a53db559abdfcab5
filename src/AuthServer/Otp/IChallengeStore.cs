namespace Recovery.AuthServer.Otp;

/// <summary>
/// One-time-code challenges. Each check-and-update is one atomic step (one Lua script on Redis), so
/// parallel tries can never use a code twice or exceed the limits.
/// </summary>
/// <remarks>
/// The rules are <see cref="ChallengeRules"/>'s: a provider holds none of its own, it only applies one of those
/// steps atomically (the Lua scripts mirror the functions; one table of cases runs on both).
/// </remarks>
public interface IChallengeStore
{
    Task CreateAsync(Challenge challenge, CancellationToken cancellationToken);

    Task<Challenge?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Compares <paramref name="presentedMac"/> with the stored one in constant time and, atomically,
    /// counts a failure or marks the challenge used.
    /// </summary>
    /// <remarks>
    /// With <paramref name="countWhileInactive"/> a wrong code counts toward the total failure limit even
    /// when the current code is burned or expired (answering Incorrect with the tries left on the whole
    /// challenge). Callers set it when another factor (an authenticator app) can still sign: that factor
    /// stays guessable while the SMS code is dead, so its wrong tries must still be limited.
    /// </remarks>
    Task<VerifyResult> VerifyAsync(string id, byte[] presentedMac, DateTimeOffset now, ChallengeLimits limits, CancellationToken cancellationToken, bool countWhileInactive = false);

    /// <summary>
    /// <see cref="ChallengeRules.VerifyIfRight"/> atomically: true (and the challenge marked used) for the right code of a
    /// usable challenge; false, nothing changed or counted, otherwise.
    /// </summary>
    Task<bool> VerifyIfRightAsync(string id, byte[] presentedMac, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the challenge as used because another factor (a TOTP code) was accepted for it: Verified if
    /// it was active, burned or expired; AlreadyUsed or Closed otherwise. Atomic with VerifyAsync, so
    /// an SMS code and a TOTP code sent at once never both win.
    /// </summary>
    Task<VerifyResult> AcceptOtherFactorAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces the code if the cooldown has passed and resends remain; keeps the failure counts.</summary>
    Task<ReissueResult> ReissueAsync(string id, byte[] newMac, DateTimeOffset now, ChallengeLimits limits, CancellationToken cancellationToken);

    /// <summary>
    /// Stops the challenge from accepting anything (cancel, or a code issued by another route).
    /// False if a code was already accepted: then whatever it authorised is under way and wins.
    /// </summary>
    Task<bool> CloseAsync(string id, CancellationToken cancellationToken);
}
