namespace Recovery.AuthServer.Otp;

/// <summary>
/// A one-time code awaiting entry, as stored: only the keyed hash of the code, bound to what it
/// authorises (see Otp.OtpEngine). Counters survive resends: a new code never resets them.
/// </summary>
public sealed record Challenge
{
    public required string Id { get; init; }

    /// <summary>HMAC-SHA256 of (binding, code) with the server's code key.</summary>
    public required byte[] CodeMac { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required DateTimeOffset ResendAvailableAt { get; init; }

    public int Resends { get; init; }

    /// <summary>Wrong tries of the current code.</summary>
    public int CodeFailures { get; init; }

    /// <summary>Wrong tries of every code of this challenge.</summary>
    public int TotalFailures { get; init; }

    public ChallengeState State { get; init; } = ChallengeState.Active;
}
