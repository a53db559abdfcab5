using HdrHistogram;

namespace Recovery.Client.Burst;

/// <summary>One RPC's latency over a run, in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max)
{
    public static LatencySummary Of(HistogramBase histogram) => new(
        histogram.TotalCount,
        Ms(histogram.GetValueAtPercentile(50)),
        Ms(histogram.GetValueAtPercentile(90)),
        Ms(histogram.GetValueAtPercentile(99)),
        Ms(histogram.GetValueAtPercentile(99.9)),
        Ms(histogram.GetMaxValue()));

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}
