namespace Recovery.Client.Burst;

/// <summary>The anchors of a run: rates in calls per second, times in milliseconds.</summary>
internal sealed record AnchorFigures(double HealthRps, double StartRecoveryRps, double UnknownLoginMedianMs, double HealthMedianMs, double Argon2HashMs);
