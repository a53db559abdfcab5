using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.Hosting;

/// <summary>
/// Says which Argon2 engine and gate the server runs with, and computes one hash through the gate
/// before the server takes calls: that proves the engine works here and seeds the gate's moving average,
/// so the first deadline checks are based on a measurement rather than a guess.
/// </summary>
public sealed partial class Argon2Startup(
    Argon2EngineSelector engines,
    Argon2Gate gate,
    IOptions<Argon2Options> options,
    ILogger<Argon2Startup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var engine = engines.For(o.MemoryKib, o.Iterations, o.Parallelism, 16, 32);
        var watch = Stopwatch.StartNew();
        await gate.RunAsync(() => engine.Hash(new byte[32], new byte[16], o.MemoryKib, o.Iterations, o.Parallelism, 32), null, cancellationToken);
        LogEngine(engine.Name, o.MemoryKib, o.Iterations, o.Parallelism, watch.Elapsed.TotalMilliseconds, gate.MaxConcurrency, o.EffectiveMaxQueue,
            o.LatencyTarget.TotalMilliseconds, (long)gate.MaxConcurrency * o.MemoryKib / 1024);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Argon2id engine {Engine} at m={MemoryKib} KiB, t={Iterations}, p={Parallelism}: first hash {Milliseconds:F1} ms; gate {Concurrency} at once, queue {Queue} at most, admitted within {TargetMs} ms of predicted wait, at most {MemoryMib} MiB of hashing memory")]
    private partial void LogEngine(string engine, int memoryKib, int iterations, int parallelism, double milliseconds, int concurrency, int queue, double targetMs, long memoryMib);
}
