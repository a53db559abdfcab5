namespace Recovery.AuthServer.Otp;

/// <summary>What one wrong-code ledger rule answers, and every scope's entries to store after it.</summary>
/// <param name="Scopes">The entries of each scope after the step, in the order of the scopes given, those outside the window dropped.</param>
public readonly record struct WrongCodeStep<TResult>(TResult Result, IReadOnlyList<IReadOnlyList<WrongCodeEntry>> Scopes);
