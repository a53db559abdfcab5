namespace Recovery.Client.Burst;

/// <summary>One second of the burst: flows completed in it and the slowest 1 % of their durations.</summary>
internal sealed record TimelinePoint(int Second, int FlowsCompleted, double FlowP99Ms);
