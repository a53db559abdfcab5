namespace Recovery.AuthServer.Storage;

/// <summary>The limits a store enforces atomically while verifying or reissuing a code.</summary>
public sealed record ChallengeLimits(int MaxAttemptsPerCode, int MaxTotalFailures, TimeSpan Lifetime, TimeSpan ResendCooldown, int MaxResends)
{
    public static ChallengeLimits From(Otp.OtpOptions o) =>
        new(o.MaxAttemptsPerCode, o.MaxFailuresPerChallenge, o.CodeLifetime, o.ResendCooldown, o.MaxResends);
}
