using System.Diagnostics;
using System.Globalization;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.Hosting;

/// <summary>
/// <c>AuthServer argon2 calibrate --target-ms N [--engine Auto|Libsodium|Konscious]</c>: finds the largest
/// memory cost (t=2, p=1; more passes only once memory reaches its maximum) whose median hash time on
/// this machine stays within the target, never below OWASP's minimum, and prints the settings. Memory is
/// raised before passes because memory is what makes GPU and ASIC guessing expensive.
/// </summary>
public static class Argon2Calibration
{
    private const int MinMemoryKib = 19_456;
    private const int MaxMemoryKib = 1_048_576;
    private const int MinIterations = 2;
    private const int MaxIterations = 20;
    private const int Runs = 5;

    public static bool IsRequested(string[] args) => args.Length >= 2 && args[0] == "argon2" && args[1] == "calibrate";

    /// <returns>The process exit code: 0, or 2 for a usage error.</returns>
    public static int Run(string[] args, TextWriter output)
    {
        if (!TryParse(args, out var targetMs, out var kind, out var error))
        {
            output.WriteLine(error);
            output.WriteLine("Usage: AuthServer argon2 calibrate --target-ms N [--engine Auto|Libsodium|Konscious]");
            return 2;
        }

        IArgon2Engine engine;
        try
        {
            engine = Argon2EngineSelector.Choose(kind);
        }
        catch (InvalidOperationException ex)
        {
            output.WriteLine(ex.Message);
            return 2;
        }

        var target = TimeSpan.FromMilliseconds(targetMs);
        output.WriteLine($"Engine {engine.Name}; target {targetMs} ms per hash; median of {Runs} runs each.");
        var (m, t) = (MinMemoryKib, MinIterations);
        var time = Measure(engine, m, t, output);
        if (time > target)
        {
            output.WriteLine($"The minimum (m={MinMemoryKib}, t=2, p=1) already takes {Ms(time)}: use it; a faster engine or machine is needed to meet {targetMs} ms.");
        }
        else
        {
            (m, t) = Search(engine, target, time, output);
        }

        output.WriteLine();
        output.WriteLine($"Recommended: m={m} KiB, t={t}, p=1. appsettings.json:");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $$"""{ "Passwords": { "Argon2": { "Engine": "{{engine.Name}}", "MemoryKib": {{m}}, "Iterations": {{t}}, "Parallelism": 1 } } }"""));
        output.WriteLine($"Hashing memory at most Passwords:Argon2:MaxConcurrency × m = {Environment.ProcessorCount} × {m / 1024} MiB here.");
        return 0;
    }

    private static (int MemoryKib, int Iterations) Search(IArgon2Engine engine, TimeSpan target, TimeSpan atMinimum, TextWriter output)
    {
        // Time grows about linearly with m × t: jump to the estimate, then step down until it fits.
        var best = (MinMemoryKib, MinIterations);
        var m = Math.Clamp(RoundDown((long)(MinMemoryKib * (target / atMinimum))), MinMemoryKib, MaxMemoryKib);
        while (m > MinMemoryKib)
        {
            if (Measure(engine, m, MinIterations, output) <= target)
            {
                best = (m, MinIterations);
                break;
            }

            m = Math.Max(MinMemoryKib, RoundDown((long)(m * 0.9)));
        }

        // The estimate may undershoot (a noisy first measurement): grow while the next step still fits.
        while (best.Item1 < MaxMemoryKib)
        {
            var next = Math.Min(MaxMemoryKib, Math.Max(best.Item1 + 1024, RoundDown((long)(best.Item1 * 1.1))));
            if (Measure(engine, next, MinIterations, output) > target)
            {
                return best;
            }

            best = (next, MinIterations);
        }

        for (var t = MinIterations + 1; t <= MaxIterations && Measure(engine, MaxMemoryKib, t, output) <= target; t++)
        {
            best = (MaxMemoryKib, t);
        }

        return best;
    }

    private static TimeSpan Measure(IArgon2Engine engine, int memoryKib, int iterations, TextWriter output)
    {
        var password = new byte[32];
        var salt = new byte[16];
        engine.Hash(password, salt, memoryKib, iterations, 1, 32);
        var times = new TimeSpan[Runs];
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            engine.Hash(password, salt, memoryKib, iterations, 1, 32);
            times[i] = watch.Elapsed;
        }

        Array.Sort(times);
        var median = times[Runs / 2];
        output.WriteLine($"  m={memoryKib,7} KiB, t={iterations,2}, p=1: {Ms(median)}");
        return median;
    }

    private static int RoundDown(long kib) => (int)Math.Min(MaxMemoryKib, kib / 1024 * 1024);

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    private static bool TryParse(string[] args, out int targetMs, out Argon2EngineKind kind, out string error)
    {
        targetMs = 0;
        kind = Argon2EngineKind.Auto;
        error = string.Empty;
        for (var i = 2; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--target-ms" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 60_000:
                    targetMs = n;
                    i++;
                    break;
                case "--engine" when Enum.TryParse(value, ignoreCase: true, out kind) && Enum.IsDefined(kind):
                    i++;
                    break;
                default:
                    error = $"Unexpected or invalid argument: {args[i]}";
                    return false;
            }
        }

        if (targetMs == 0)
        {
            error = "--target-ms N (1-60000) is required.";
            return false;
        }

        return true;
    }
}
