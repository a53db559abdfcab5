using System.Diagnostics;

namespace Recovery.Client.Burst;

/// <summary>Samples this process's working set every 100 ms until disposed; the server's memory is out of the client's reach.</summary>
internal sealed class PeakWorkingSet : IDisposable
{
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly Timer _timer;
    private long _peak;

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
        _process.Dispose();
    }

    private void Sample(object? state)
    {
        long current;
        lock (_process)
        {
            _process.Refresh();
            current = _process.WorkingSet64;
        }

        long seen;
        while (current > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, current, seen) != seen)
        {
        }
    }
}
