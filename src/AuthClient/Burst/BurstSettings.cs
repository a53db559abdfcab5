namespace Recovery.Client.Burst;

/// <summary>What one <c>burst</c> run does.</summary>
/// <param name="Customers">
/// How many customers the burst unlocks; null in open loop: <paramref name="Duration"/> × the rate.
/// </param>
/// <param name="Concurrency">Concurrent workers for the anchors and for closed-loop flows (the burst's or the baseline's).</param>
/// <param name="AnchorDuration">How long each rate anchor (health, StartRecovery) runs.</param>
/// <param name="Argon2Samples">Sequential calls behind the single-hash estimate.</param>
/// <param name="ServerCores">Cores the server has: the capacity probe keeps several Logins in flight per core.</param>
/// <param name="SinkTimeout">How long to wait for each dev-sink message.</param>
/// <param name="Captcha">The captcha token StartRecovery sends.</param>
/// <param name="Rate">
/// Flows started per second (open loop); null: closed loop, <paramref name="Concurrency"/> workers each starting the
/// next flow when one ends, unless <paramref name="Overload"/> sets the rate.
/// </param>
/// <param name="Overload">Open loop at this multiple of the capacity measured in the same run (instead of <paramref name="Rate"/>).</param>
/// <param name="Duration">Open loop: how long flows keep arriving (customers = rate × duration).</param>
/// <param name="MaxInFlight">Open loop: a cap on flows in flight (null: none; a late flow starts late and the report shows it).</param>
/// <param name="CapacityDuration">How long the capacity probe's measured window lasts.</param>
/// <param name="CapacityConcurrency">Unknown-user Logins the capacity probe keeps in flight.</param>
/// <param name="Argon2PerFlow">Argon2 computations one unlock costs the server (capacity = verifies/s ÷ this).</param>
/// <param name="BaselineDuration">Open loop: the closed-loop phase before the burst whose flows/s goodput is judged against; zero skips it.</param>
/// <param name="Patience">How long a customer keeps retrying shed calls, from their first StartRecovery, before giving up.</param>
internal sealed record BurstSettings(
    int? Customers, int Concurrency, TimeSpan AnchorDuration, int Argon2Samples, int ServerCores, TimeSpan SinkTimeout, string Captcha,
    double? Rate = null,
    double? Overload = null,
    TimeSpan? Duration = null,
    int? MaxInFlight = null,
    TimeSpan? CapacityDuration = null,
    int? CapacityConcurrency = null,
    int Argon2PerFlow = BurstSettings.DefaultArgon2PerFlow,
    TimeSpan? BaselineDuration = null,
    TimeSpan? Patience = null)
{
    /// <summary>
    /// ChangePassword's one hash (compared against the current password and the history, and stored) and the final
    /// Login's one verify; the temporary password's Login costs no Argon2 (docs/security.md).
    /// </summary>
    public const int DefaultArgon2PerFlow = 2;

    /// <summary>Open loop without <c>--customers</c> or <c>--duration</c>: flows arrive for this long.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(30);

    public bool OpenLoop => Rate is not null || Overload is not null;

    public TimeSpan CapacityWindow => CapacityDuration ?? TimeSpan.FromSeconds(3);

    public int CapacityInFlight => CapacityConcurrency ?? 4 * ServerCores;

    public TimeSpan BaselineWindow => BaselineDuration ?? (OpenLoop ? TimeSpan.FromSeconds(5) : TimeSpan.Zero);

    public TimeSpan PatienceWindow => Patience ?? TimeSpan.FromMinutes(5);
}
