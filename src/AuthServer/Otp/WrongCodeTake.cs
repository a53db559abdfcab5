namespace Recovery.AuthServer.Otp;

/// <param name="Granted">A pending entry was added to every scope; the code may be evaluated.</param>
/// <param name="Busy">Refused while some of the entries that fill a scope are tries still being evaluated (they may be given back).</param>
/// <param name="FreesAt">When refused: when the oldest entry of the fullest scope leaves the window.</param>
public readonly record struct WrongCodeTake(bool Granted, bool Busy = false, DateTimeOffset? FreesAt = null);
