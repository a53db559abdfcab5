using System.Diagnostics;
using Grpc.Core;
using HdrHistogram;

namespace Recovery.Client.Burst;

/// <summary>
/// What the calls of a run did: latency per RPC in an HdrHistogram (microseconds, 3 significant digits),
/// errors and explicit shedding by RPC, status code and ErrorInfo reason. Thread-safe.
/// </summary>
internal sealed class RpcOutcomes
{
    // One minute is far beyond any deadline the runner uses; a longer call is clamped, not lost.
    private const long HighestMicroseconds = 60_000_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LongHistogram> _latency = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _errors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _shed = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether a failure is the server refusing work it cannot take in time (RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED,
    /// UNAVAILABLE with reason OVERLOADED): the documented back-pressure, reported apart from errors.
    /// </summary>
    public static bool IsShedding(RecoveryClientException ex) =>
        ex.StatusCode is StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded
        || (ex.StatusCode == StatusCode.Unavailable && ex.Reason == "OVERLOADED");

    /// <summary>Times <paramref name="call"/> under <paramref name="rpc"/>; a failure is counted and rethrown.</summary>
    public async Task<T> TimeAsync<T>(string rpc, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call().ConfigureAwait(false);
            Record(rpc, Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (RecoveryClientException ex)
        {
            Count(IsShedding(ex) ? _shed : _errors, $"{rpc} {ex.StatusCode} {ex.Reason ?? "-"}");
            throw;
        }
    }

    /// <summary>Counts a failure that is not an RPC status (a dev-sink timeout, an unexpected answer).</summary>
    public void CountError(string rpc, string what) => Count(_errors, $"{rpc} {what}");

    public void Record(string rpc, TimeSpan elapsed)
    {
        var micros = Math.Clamp((long)elapsed.TotalMicroseconds, 1, HighestMicroseconds);
        lock (_gate)
        {
            if (!_latency.TryGetValue(rpc, out var histogram))
            {
                histogram = new LongHistogram(HighestMicroseconds, 3);
                _latency[rpc] = histogram;
            }

            histogram.RecordValue(micros);
        }
    }

    public int ErrorCount
    {
        get
        {
            lock (_gate)
            {
                return _errors.Values.Sum();
            }
        }
    }

    public int ShedCount
    {
        get
        {
            lock (_gate)
            {
                return _shed.Values.Sum();
            }
        }
    }

    /// <summary>Latency percentiles of every RPC seen, in milliseconds, by RPC name.</summary>
    public SortedDictionary<string, LatencySummary> Latencies()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, LatencySummary>(
                _latency.ToDictionary(p => p.Key, p => LatencySummary.Of(p.Value), StringComparer.Ordinal), StringComparer.Ordinal);
        }
    }

    public SortedDictionary<string, int> Errors()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, int>(_errors, StringComparer.Ordinal);
        }
    }

    public SortedDictionary<string, int> Shed()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, int>(_shed, StringComparer.Ordinal);
        }
    }

    private void Count(Dictionary<string, int> into, string key)
    {
        lock (_gate)
        {
            into[key] = into.GetValueOrDefault(key) + 1;
        }
    }
}
