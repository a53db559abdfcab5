namespace Recovery.AuthServer.Otp;

/// <summary>The limits a store enforces atomically while verifying or reissuing a code.</summary>
/// <param name="ResendCooldownGrowth">
/// The cooldown after the k-th resend is <paramref name="ResendCooldown"/> × growth^k (1: always the same),
/// at most <see cref="MaxCooldown"/>.
/// </param>
public sealed record ChallengeLimits(int MaxAttemptsPerCode, int MaxTotalFailures, TimeSpan Lifetime, TimeSpan ResendCooldown, int MaxResends, double ResendCooldownGrowth = 1)
{
    /// <summary>The longest wait an escalating cooldown reaches.</summary>
    public static readonly TimeSpan MaxCooldown = TimeSpan.FromHours(1);

    public static ChallengeLimits From(OtpOptions o) =>
        new(o.MaxAttemptsPerCode, o.MaxFailuresPerChallenge, o.CodeLifetime, o.ResendCooldown, o.MaxResends, o.ResendCooldownGrowth);

    /// <summary>The wait before the next resend once <paramref name="resends"/> resends were made (0: after the first code).</summary>
    public TimeSpan CooldownAfter(int resends) =>
        TimeSpan.FromTicks((long)Math.Min(ResendCooldown.Ticks * Math.Pow(ResendCooldownGrowth, resends), MaxCooldown.Ticks));
}
