using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Recovery.Client.Burst;

/// <summary>
/// A run: provision the customers, measure the anchors, then unlock every customer with
/// <see cref="BurstSettings.Concurrency"/> workers while a progress line on stderr says how far it got.
/// </summary>
internal sealed class BurstRunner(
    RecoveryClient client, DirectoryClient directory, HealthProbe health, DevSinkReader sink, BurstSettings settings,
    string server, TextWriter progress, bool liveProgress)
{
    /// <summary>ChangePassword hashes once, the final Login verifies once; synthetic customers have no history to compare.</summary>
    public const int Argon2CallsPerFlow = 2;

    private readonly SyntheticCustomers _customers = new(SyntheticCustomers.NewRunId());
    private readonly RpcOutcomes _outcomes = new();
    private readonly ConcurrentQueue<(double At, double Ms)> _finished = new();
    private int _completed;
    private int _failed;
    private int _shed;

    public string RunId => _customers.RunId;

    /// <summary>Runs the whole thing; null when provisioning failed (already reported on <paramref name="progress"/>).</summary>
    public async Task<BurstReport?> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        using var memory = new PeakWorkingSet();

        await progress.WriteLineAsync($"burst {RunId}: provisioning {settings.Customers} customers through ImportCustomers...").ConfigureAwait(false);
        var provisioning = await ProvisionAsync(cancellationToken).ConfigureAwait(false);
        if (provisioning.Rejected > 0 || provisioning.Imported != settings.Customers)
        {
            await progress.WriteLineAsync(
                $"error: ImportCustomers imported {provisioning.Imported}, found {provisioning.AlreadyExisting} existing and rejected {provisioning.Rejected} " +
                $"of {settings.Customers}; the burst needs every customer fresh.").ConfigureAwait(false);
            return null;
        }

        await progress.WriteLineAsync(FormattableString.Invariant($"burst {RunId}: anchors at concurrency {settings.Concurrency} ({settings.AnchorDuration.TotalSeconds:0.#} s each)..."))
            .ConfigureAwait(false);
        var anchors = await new Anchors(client, health, _customers, settings, _outcomes).MeasureAsync(cancellationToken).ConfigureAwait(false);
        await progress.WriteLineAsync(string.Format(CultureInfo.InvariantCulture,
            "burst {0}: health {1:0} rps · StartRecovery {2:0} rps · Argon2 ≈ {3:0.0} ms; unlocking...",
            RunId, anchors.HealthRps, anchors.StartRecoveryRps, anchors.Argon2HashMs)).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        var flows = FlowsAsync(clock, cancellationToken);
        while (await Task.WhenAny(flows, Task.Delay(liveProgress ? 250 : 2000, cancellationToken)).ConfigureAwait(false) != flows)
        {
            await WriteProgressAsync(clock.Elapsed).ConfigureAwait(false);
        }

        await flows.ConfigureAwait(false);
        await WriteProgressAsync(clock.Elapsed).ConfigureAwait(false);
        if (liveProgress)
        {
            await progress.WriteLineAsync().ConfigureAwait(false);
        }

        // The burst lasts until its last flow ends; an empty burst has no rate.
        var burstSeconds = _finished.IsEmpty ? clock.Elapsed.TotalSeconds : _finished.Max(f => f.At);
        var flowsPerSecond = _completed == 0 ? 0 : _completed / burstSeconds;
        var ceiling = settings.ServerCores / (Argon2CallsPerFlow * anchors.Argon2HashMs / 1000.0);
        return new BurstReport
        {
            RunId = RunId,
            Server = server,
            StartedAt = startedAt,
            Customers = settings.Customers,
            Concurrency = settings.Concurrency,
            TargetRate = settings.Rate,
            ServerCores = settings.ServerCores,
            Provisioning = provisioning,
            HealthRps = Round(anchors.HealthRps),
            StartRecoveryRps = Round(anchors.StartRecoveryRps),
            StartRecoveryToHealthRatio = Round(anchors.StartRecoveryRps / anchors.HealthRps, 3),
            UnknownLoginMedianMs = Round(anchors.UnknownLoginMedianMs, 3),
            HealthMedianMs = Round(anchors.HealthMedianMs, 3),
            Argon2HashMs = Round(anchors.Argon2HashMs, 3),
            Argon2CallsPerFlow = Argon2CallsPerFlow,
            Argon2CeilingFlowsPerSecond = Round(ceiling),
            FlowsCompleted = _completed,
            FlowsFailed = _failed,
            FlowsShed = _shed,
            BurstSeconds = Round(burstSeconds, 3),
            FlowsPerSecond = Round(flowsPerSecond),
            RatioToCeiling = Round(flowsPerSecond / ceiling, 3),
            Errors = _outcomes.ErrorCount,
            ErrorsByKind = _outcomes.Errors(),
            Shed = _outcomes.ShedCount,
            ShedByKind = _outcomes.Shed(),
            LatencyMs = _outcomes.Latencies(),
            ClientPeakWorkingSetMib = memory.PeakBytes / (1024 * 1024),
            Timeline = Timeline(),
        };
    }

    private async Task<ProvisioningFigures> ProvisionAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = await directory.ImportCustomersAsync(Enumerable.Range(0, settings.Customers).Select(_customers.Make), cancellationToken)
            .ConfigureAwait(false);
        return new ProvisioningFigures(result.Imported, result.AlreadyExisting, result.Rejected, Round(clock.Elapsed.TotalSeconds, 3));
    }

    private async Task FlowsAsync(Stopwatch clock, CancellationToken cancellationToken)
    {
        var flow = new UnlockFlow(client, sink, _customers, settings, _outcomes);
        if (settings.Rate is { } rate)
        {
            await OpenLoopAsync(flow, clock, rate, cancellationToken).ConfigureAwait(false);
            return;
        }

        var next = -1;
        var workers = Enumerable.Range(0, settings.Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < settings.Customers)
            {
                await RunOneAsync(flow, i, clock, cancellationToken).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    // Flow i is due at i / rate seconds; a flow that cannot start because Concurrency flows are already in
    // flight starts late, and the report's achieved rate shows it (that lag is the server falling behind).
    private async Task OpenLoopAsync(UnlockFlow flow, Stopwatch clock, double rate, CancellationToken cancellationToken)
    {
        using var inFlight = new SemaphoreSlim(settings.Concurrency);
        var running = new List<Task>(settings.Customers);
        var start = clock.Elapsed;
        for (var i = 0; i < settings.Customers; i++)
        {
            var due = start + TimeSpan.FromSeconds(i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            var index = i;
            running.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        await RunOneAsync(flow, index, clock, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                },
                cancellationToken));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task RunOneAsync(UnlockFlow flow, int i, Stopwatch clock, CancellationToken cancellationToken)
    {
        var started = clock.Elapsed;
        try
        {
            await flow.RunAsync(i, cancellationToken).ConfigureAwait(false);
            var ended = clock.Elapsed;
            _finished.Enqueue((ended.TotalSeconds, (ended - started).TotalMilliseconds));
            Interlocked.Increment(ref _completed);
        }
        catch (RecoveryClientException ex) when (RpcOutcomes.IsShedding(ex))
        {
            Interlocked.Increment(ref _shed);
        }
        catch (Exception ex) when (ex is RecoveryClientException or BurstFlowException)
        {
            // Counted by kind in the outcomes; the burst goes on so one failure does not hide the rest.
            Interlocked.Increment(ref _failed);
        }
    }

    private Task WriteProgressAsync(TimeSpan elapsed)
    {
        var done = Volatile.Read(ref _completed);
        var line = string.Format(CultureInfo.InvariantCulture,
            "flows {0}/{1} · {2:0.0}/s · failed {3} · shed {4} · {5:0.0} s",
            done, settings.Customers, elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0, Volatile.Read(ref _failed), Volatile.Read(ref _shed),
            elapsed.TotalSeconds);
        return liveProgress ? progress.WriteAsync("\r" + line + "   ") : progress.WriteLineAsync(line);
    }

    private List<TimelinePoint> Timeline() =>
        [.. _finished.GroupBy(f => (int)f.At).OrderBy(g => g.Key).Select(g =>
        {
            var durations = g.Select(f => f.Ms).Order().ToArray();
            var p99 = durations[Math.Min(durations.Length - 1, (int)Math.Ceiling(durations.Length * 0.99) - 1)];
            return new TimelinePoint(g.Key, durations.Length, Round(p99, 3));
        })];

    private static double Round(double value, int digits = 1) => double.IsFinite(value) ? Math.Round(value, digits) : 0;
}
