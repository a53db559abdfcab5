using System.Diagnostics;

namespace Recovery.Client.Burst;

/// <summary>Samples this process's working set every 100 ms until disposed; the server's memory is out of the client's reach.</summary>
internal sealed class PeakWorkingSet : IDisposable
{
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly Timer _timer;
    private long _peak;
    private bool _disposed;

    public PeakWorkingSet()
    {
        Sample(null);
        _timer = new Timer(Sample, null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    public long PeakBytes
    {
        get
        {
            Sample(null);
            return Interlocked.Read(ref _peak);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();

        // Timer.Dispose does not wait for a callback already running: the flag, under the same lock, keeps that
        // callback off the disposed Process (an exception on a timer thread would end the whole process).
        lock (_process)
        {
            _disposed = true;
            _process.Dispose();
        }
    }

    private void Sample(object? state)
    {
        long current;
        lock (_process)
        {
            if (_disposed)
            {
                return;
            }

            _process.Refresh();
            current = _process.WorkingSet64;
        }

        long seen;
        while (current > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, current, seen) != seen)
        {
        }
    }
}
