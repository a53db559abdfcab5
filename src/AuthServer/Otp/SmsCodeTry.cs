namespace Recovery.AuthServer.Otp;

/// <summary>
/// An SMS code presented under the wrong-code ledger, with what a store needs to take its try, evaluate it against its
/// challenge and settle the try in one atomic step (on Redis one script, so the challenge and the ledger's scope share a
/// slot). The steps that decide more in the same script (<c>OperationSmsCode</c>, <see cref="EnrollmentSmsCode"/>) add
/// what they decide.
/// </summary>
public abstract record SmsCodeTry
{
    /// <summary>The challenge the code is evaluated against.</summary>
    public required string ChallengeId { get; init; }

    /// <summary>The MAC of the presented code under the challenge's binding (never the code).</summary>
    public required byte[] PresentedMac { get; init; }

    public required ChallengeLimits Limits { get; init; }

    /// <summary>The wrong-code ledger's scope the try is taken from.</summary>
    public required string Scope { get; init; }

    /// <summary>The try's random token in the ledger.</summary>
    public required string Token { get; init; }

    public required int WrongCodeLimit { get; init; }

    public required TimeSpan Window { get; init; }

    public required DateTimeOffset Now { get; init; }
}
