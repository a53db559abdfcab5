namespace Recovery.AuthServer.Otp;

/// <summary>One try in a scope of the wrong-code ledger: a wrong code, or a try still being evaluated.</summary>
/// <param name="Token">The try's random token (the same in every scope of the try); never a code.</param>
/// <param name="At">When the try was taken; it leaves the window at <c>At + window</c>.</param>
/// <param name="Pending">Still being evaluated; once older than <see cref="WrongCodeRules.PendingTimeout"/> it counts as wrong.</param>
public sealed record WrongCodeEntry(string Token, DateTimeOffset At, bool Pending);
