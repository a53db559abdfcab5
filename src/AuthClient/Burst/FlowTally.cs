using System.Collections.Concurrent;

namespace Recovery.Client.Burst;

/// <summary>How the flows of one phase (the baseline or the burst) ended, and when. Thread-safe.</summary>
internal sealed class FlowTally
{
    private readonly ConcurrentQueue<(double At, double Ms)> _finished = new();
    private int _completed;
    private int _failed;
    private int _shed;
    private int _inFlight;

    public int Completed => Volatile.Read(ref _completed);

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Flows whose customer gave up on a shed call.</summary>
    public int Shed => Volatile.Read(ref _shed);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Each completed flow: when it ended (seconds since the phase started) and its time to session (ms).</summary>
    public IReadOnlyCollection<(double At, double Ms)> Finished => _finished;

    /// <summary>Seconds from the phase's start to its last completed flow; <paramref name="elapsed"/> when none completed.</summary>
    public double Seconds(TimeSpan elapsed) => _finished.IsEmpty ? elapsed.TotalSeconds : _finished.Max(f => f.At);

    public void MarkStarted() => Interlocked.Increment(ref _inFlight);

    public void MarkCompleted(TimeSpan endedAt, TimeSpan took)
    {
        _finished.Enqueue((endedAt.TotalSeconds, took.TotalMilliseconds));
        Interlocked.Increment(ref _completed);
        Interlocked.Decrement(ref _inFlight);
    }

    public void MarkGaveUp()
    {
        Interlocked.Increment(ref _shed);
        Interlocked.Decrement(ref _inFlight);
    }

    public void MarkFailed()
    {
        Interlocked.Increment(ref _failed);
        Interlocked.Decrement(ref _inFlight);
    }
}
