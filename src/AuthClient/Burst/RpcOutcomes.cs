using System.Diagnostics;
using System.Text;
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
    private readonly Dictionary<string, int> _shedByStep = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _errorSamples = new(StringComparer.Ordinal);
    private readonly List<(long At, string Rpc, double Ms)> _admitted = [];
    private readonly List<long> _shedAt = [];

    /// <summary>
    /// Whether a failure is the server explicitly refusing work it cannot take now (RESOURCE_EXHAUSTED, or UNAVAILABLE
    /// with reason OVERLOADED): the documented back-pressure, refused before anything changed, reported apart from
    /// errors and retried after its RetryInfo. DEADLINE_EXCEEDED is not among them: a call that ran out of time was
    /// neither answered nor refused, may or may not have taken effect, and cannot be retried blindly; nor is an
    /// UNAVAILABLE without ErrorInfo (a transport failure, a reset connection), which says nothing about the server's load.
    /// </summary>
    public static bool IsShedding(RecoveryClientException ex) =>
        ex.StatusCode is StatusCode.ResourceExhausted
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
            Count(rpc, ex);
            throw;
        }
    }

    /// <summary>Counts a failed call as shedding or as an error; the first error of each kind is kept with its detail.</summary>
    public void Count(string rpc, RecoveryClientException ex)
    {
        var kind = $"{rpc} {ex.StatusCode} {ex.Reason ?? "-"}";
        if (IsShedding(ex))
        {
            lock (_gate)
            {
                _shed[kind] = _shed.GetValueOrDefault(kind) + 1;
                _shedByStep[rpc] = _shedByStep.GetValueOrDefault(rpc) + 1;
                _shedAt.Add(Stopwatch.GetTimestamp());
            }

            return;
        }

        lock (_gate)
        {
            _errors[kind] = _errors.GetValueOrDefault(kind) + 1;
            _errorSamples.TryAdd(kind, Describe(ex));
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
            _admitted.Add((Stopwatch.GetTimestamp(), rpc, elapsed.TotalMilliseconds));
        }
    }

    /// <summary>Every admitted (answered, not refused) call: when it ended (<see cref="Stopwatch"/> ticks), its RPC and its time.</summary>
    public List<(long At, string Rpc, double Ms)> AdmittedCalls()
    {
        lock (_gate)
        {
            return [.. _admitted];
        }
    }

    /// <summary>When each shed answer arrived (<see cref="Stopwatch"/> ticks).</summary>
    public List<long> ShedTimes()
    {
        lock (_gate)
        {
            return [.. _shedAt];
        }
    }

    /// <summary>Shed answers by RPC (the step of the flow that was refused), retried or not.</summary>
    public SortedDictionary<string, int> ShedByStep()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, int>(_shedByStep, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// The first failure of each error kind as the client saw it: status detail, the transport's own exception (a
    /// reset connection, a refused stream) and the trailers, so that an UNAVAILABLE without ErrorInfo says where it came from.
    /// </summary>
    public SortedDictionary<string, string> ErrorSamples()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, string>(_errorSamples, StringComparer.Ordinal);
        }
    }

    private static string Describe(RecoveryClientException ex)
    {
        var text = new StringBuilder(ex.StatusDetail);
        if (ex.InnerException is RpcException rpc)
        {
            if (rpc.Status.DebugException is { } debug)
            {
                text.Append(" | client: ").Append(debug.GetType().Name).Append(": ").Append(debug.Message);
                for (var inner = debug.InnerException; inner is not null; inner = inner.InnerException)
                {
                    text.Append(" <- ").Append(inner.GetType().Name).Append(": ").Append(inner.Message);
                }
            }

            // Trailers name what answered (grpc-status from the server, or none when the transport failed first);
            // binary ones (the encoded details) are summarised by their size.
            var trailers = rpc.Trailers.Select(t => t.IsBinary ? $"{t.Key} ({t.ValueBytes.Length} bytes)" : $"{t.Key}: {t.Value}").ToList();
            text.Append(" | trailers: ").Append(trailers.Count == 0 ? "none" : string.Join(", ", trailers));
        }

        return text.ToString();
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
