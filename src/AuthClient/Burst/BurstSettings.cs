namespace Recovery.Client.Burst;

/// <summary>What one <c>burst</c> run does.</summary>
/// <param name="Customers">How many synthetic customers to provision and unlock.</param>
/// <param name="Concurrency">Concurrent workers, for the anchors and for the flows alike.</param>
/// <param name="AnchorDuration">How long each rate anchor (health, StartRecovery) runs.</param>
/// <param name="Argon2Samples">Sequential calls behind the single-hash estimate.</param>
/// <param name="ServerCores">Cores the server has, for the Argon2 ceiling.</param>
/// <param name="SinkTimeout">How long to wait for each dev-sink message.</param>
/// <param name="Captcha">The captcha token StartRecovery sends.</param>
/// <param name="Rate">
/// Flows started per second (open loop), with <paramref name="Concurrency"/> as the cap on flows in flight;
/// null: closed loop, <paramref name="Concurrency"/> workers each starting the next flow when one ends.
/// </param>
internal sealed record BurstSettings(
    int Customers, int Concurrency, TimeSpan AnchorDuration, int Argon2Samples, int ServerCores, TimeSpan SinkTimeout, string Captcha,
    double? Rate = null);
