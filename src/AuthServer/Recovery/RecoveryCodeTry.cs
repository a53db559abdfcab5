using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Recovery;

/// <summary>
/// One try at a recovery's code, made by <see cref="IRecoveryStore.TryCodeAsync"/> as one atomic step: the card's block
/// checked, a unit of the wrong-code budget taken (<see cref="WrongCodeRules.Take"/>), the code evaluated
/// (<see cref="ChallengeRules.Verify"/>), the unit settled (<see cref="WrongCodeRules.Settle"/>), and the card blocked
/// (<see cref="Customers.RecoveryBlock.Escalate"/>) by the try that closes the challenge or fills a scope. Every id is
/// a <see cref="Common.GroupedId"/> of the recovery's group, so a sharded store holds them together.
/// </summary>
public sealed record RecoveryCodeTry
{
    /// <summary>The recovery's challenge.</summary>
    public required string ChallengeId { get; init; }

    /// <summary>The MAC of the code presented (<see cref="OtpEngine.PresentedMac"/>), never the code.</summary>
    public required byte[] PresentedMac { get; init; }

    public required ChallengeLimits Limits { get; init; }

    /// <summary>The card whose block is checked and escalated (its keyed hash, grouped).</summary>
    public required string Card { get; init; }

    /// <summary>The wrong-code scopes (keyed hashes, grouped).</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    public required int WrongCodeLimit { get; init; }

    public required TimeSpan WrongCodeWindow { get; init; }

    /// <summary>A fresh random token naming this try in the scopes.</summary>
    public required string Token { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required TimeSpan FirstBlock { get; init; }

    public required TimeSpan MaxBlock { get; init; }
}
