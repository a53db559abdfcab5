namespace Recovery.AuthServer.Otp;

/// <param name="AttemptsRemaining">Tries left on the current code, or fewer when the challenge as a whole has fewer left (a wrong try that reaches its limit closes it, whatever the code).</param>
/// <param name="JustClosed">True only on the try that reached the failure limit, so the caller escalates once.</param>
/// <param name="Counted">The code was evaluated and counted as a failure (false when it was right, or met a state that evaluates nothing).</param>
public readonly record struct VerifyResult(VerifyStatus Status, int AttemptsRemaining = 0, bool JustClosed = false, bool Counted = false);
