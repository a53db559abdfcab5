using System.Diagnostics;

namespace Recovery.Client.Burst;

/// <summary>
/// This process's CPU time over an interval as a share of the whole machine's (wall time × cores): when the server
/// runs on the same machine, what the load generator took from it.
/// </summary>
internal sealed class CpuShare
{
    private readonly TimeSpan _cpuAtStart;
    private readonly long _wallAtStart;

    private CpuShare(TimeSpan cpu, long wall)
    {
        _cpuAtStart = cpu;
        _wallAtStart = wall;
    }

    public static CpuShare Start() => new(ProcessCpu(), Stopwatch.GetTimestamp());

    /// <summary>CPU time since <see cref="Start"/> ÷ (wall time since then × <see cref="Environment.ProcessorCount"/>), 0–1.</summary>
    public double Share()
    {
        var wall = Stopwatch.GetElapsedTime(_wallAtStart).TotalSeconds;
        var cpu = (ProcessCpu() - _cpuAtStart).TotalSeconds;
        return wall <= 0 ? 0 : cpu / (wall * Environment.ProcessorCount);
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
