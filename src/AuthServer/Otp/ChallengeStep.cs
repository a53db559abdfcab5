namespace Recovery.AuthServer.Otp;

/// <summary>What one challenge rule answers, and the challenge to store after it.</summary>
/// <param name="Result">The answer to the caller.</param>
/// <param name="Next">The challenge as it must be stored after the step; null when nothing changes (or there is no challenge).</param>
public readonly record struct ChallengeStep<TResult>(TResult Result, Challenge? Next = null);
