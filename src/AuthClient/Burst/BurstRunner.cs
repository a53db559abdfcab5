using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace Recovery.Client.Burst;

/// <summary>
/// A run: measure the anchors and the server's hashing capacity, provision the customers, run a closed-loop baseline
/// (open loop only), then the burst, while a progress line on stderr says how far it got.
/// </summary>
internal sealed class BurstRunner(
    RecoveryClient client, Func<int, DirectoryClient> directoryFor, HealthProbe health, DevSinkReader sink, BurstSettings settings,
    string server, TextWriter progress, bool liveProgress, TimeProvider? time = null)
{
    /// <summary>Closed loop without <c>--customers</c>: this many.</summary>
    public const int DefaultCustomers = 200;

    /// <summary>The baseline phase's RPCs are reported under their names with this prefix, apart from the burst's.</summary>
    public const string BaselinePrefix = "baseline: ";

    /// <summary>The steps that wait for the server's Argon2 gate: their admitted p99 is the timeline's line.</summary>
    private static readonly string[] HashingRpcs = ["ChangePassword", "Login (new)"];

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SyntheticCustomers _customers = new(SyntheticCustomers.NewRunId());
    private readonly RpcOutcomes _outcomes = new();

    public string RunId => _customers.RunId;

    /// <summary>Runs the whole thing; null when provisioning or the capacity probe failed (already reported on <paramref name="progress"/>).</summary>
    public async Task<BurstReport?> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var cpu = CpuShare.Start();
        using var memory = new PeakWorkingSet();

        await progress.WriteLineAsync(FormattableString.Invariant(
            $"burst {RunId}: anchors at concurrency {settings.Concurrency} ({settings.AnchorDuration.TotalSeconds:0.#} s each), capacity at {settings.CapacityInFlight} Logins in flight ({settings.CapacityWindow.TotalSeconds:0.#} s)...")).ConfigureAwait(false);
        var anchors = await new Anchors(client, health, _customers, settings, _outcomes, PhaseAsync).MeasureAsync(cancellationToken).ConfigureAwait(false);
        var capacity = await new CapacityProbe(client, _customers, settings, _outcomes, PhaseAsync).MeasureAsync(cancellationToken).ConfigureAwait(false);
        await progress.WriteLineAsync(string.Format(CultureInfo.InvariantCulture,
            "burst {0}: health {1:0} rps · StartRecovery {2:0} rps · Argon2 ≈ {3:0.0} ms alone · capacity {4:0.0} verifies/s = {5:0.0} flows/s ({6} shed)",
            RunId, anchors.HealthRps, anchors.StartRecoveryRps, anchors.Argon2HashMs, capacity.VerifiesPerSecond, capacity.FlowsPerSecond, capacity.Shed))
            .ConfigureAwait(false);

        double? rate = settings.Overload is { } overload ? overload * capacity.FlowsPerSecond : settings.Rate;
        if (settings.OpenLoop && rate is not > 0.01)
        {
            await progress.WriteLineAsync("error: the capacity probe measured no verifies per second, so --overload has no rate to multiply; see the report's errors.")
                .ConfigureAwait(false);
            return null;
        }

        var burstCustomers = settings.Customers ?? (rate is { } r ? (int)Math.Ceiling(r * (settings.Duration ?? BurstSettings.DefaultDuration).TotalSeconds) : DefaultCustomers);
        // Enough customers for the baseline's window at the measured capacity, with room for a faster run than measured.
        var baselineCustomers = settings.OpenLoop && settings.BaselineWindow > TimeSpan.Zero
            ? (int)Math.Ceiling(capacity.FlowsPerSecond * settings.BaselineWindow.TotalSeconds * 1.5) + settings.Concurrency
            : 0;
        if (baselineCustomers + burstCustomers > SyntheticCustomers.MaxCustomers)
        {
            await progress.WriteLineAsync($"error: {baselineCustomers + burstCustomers} customers would be needed, more than {SyntheticCustomers.MaxCustomers}; lower the rate or the duration.")
                .ConfigureAwait(false);
            return null;
        }

        await progress.WriteLineAsync($"burst {RunId}: provisioning {baselineCustomers + burstCustomers} customers through ImportCustomers...").ConfigureAwait(false);
        var provisioning = await ProvisionAsync(baselineCustomers + burstCustomers, cancellationToken).ConfigureAwait(false);
        if (provisioning.Rejected > 0 || provisioning.Imported != baselineCustomers + burstCustomers)
        {
            await progress.WriteLineAsync(
                $"error: ImportCustomers imported {provisioning.Imported}, found {provisioning.AlreadyExisting} existing and rejected {provisioning.Rejected} " +
                $"of {baselineCustomers + burstCustomers}; the burst needs every customer fresh.").ConfigureAwait(false);
            return null;
        }

        await using var tail = new SinkTail(sink, UnlockFlow.Templates);
        var retry = new ShedRetry(_outcomes, _time);
        var baseline = new FlowTally();
        double baselineSeconds = 0;
        if (baselineCustomers > 0)
        {
            await progress.WriteLineAsync(FormattableString.Invariant(
                $"burst {RunId}: closed-loop baseline, {settings.Concurrency} workers for {settings.BaselineWindow.TotalSeconds:0.#} s...")).ConfigureAwait(false);
            var flow = new UnlockFlow(client, tail, _customers, settings, retry, _outcomes, _time, BaselinePrefix);
            var clock = Stopwatch.StartNew();
            await ClosedLoopAsync(flow, 0, baselineCustomers, settings.BaselineWindow, baseline, clock, cancellationToken).ConfigureAwait(false);
            baselineSeconds = baseline.Seconds(clock.Elapsed);
        }

        var burstRetriesBefore = retry.Retries;
        await progress.WriteLineAsync(rate is { } target
            ? FormattableString.Invariant($"burst {RunId}: open loop, {burstCustomers} flows at {target:0.0}/s...")
            : FormattableString.Invariant($"burst {RunId}: closed loop, {burstCustomers} flows with {settings.Concurrency} workers...")).ConfigureAwait(false);
        var tally = new FlowTally();
        var burstCpu = CpuShare.Start();
        var burstStart = Stopwatch.GetTimestamp();
        var burstClock = Stopwatch.StartNew();
        var unlock = new UnlockFlow(client, tail, _customers, settings, retry, _outcomes, _time);
        var maxLag = TimeSpan.Zero;
        var flows = rate is { } openRate
            ? OpenLoopAsync(unlock, baselineCustomers, burstCustomers, openRate, tally, burstClock, lag => maxLag = lag > maxLag ? lag : maxLag, cancellationToken)
            : ClosedLoopAsync(unlock, baselineCustomers, burstCustomers, null, tally, burstClock, cancellationToken);
        while (await Task.WhenAny(flows, Task.Delay(liveProgress ? 250 : 2000, cancellationToken)).ConfigureAwait(false) != flows)
        {
            await WriteProgressAsync(tally, burstCustomers, retry.Retries - burstRetriesBefore, burstClock.Elapsed).ConfigureAwait(false);
        }

        await flows.ConfigureAwait(false);
        var burstCpuShare = burstCpu.Share();
        await WriteProgressAsync(tally, burstCustomers, retry.Retries - burstRetriesBefore, burstClock.Elapsed).ConfigureAwait(false);
        if (liveProgress)
        {
            await progress.WriteLineAsync().ConfigureAwait(false);
        }

        // The burst lasts until its last flow ends; an empty burst has no rate.
        var burstSeconds = tally.Seconds(burstClock.Elapsed);
        var flowsPerSecond = tally.Completed == 0 ? 0 : tally.Completed / burstSeconds;
        // Closed loop is its own baseline; an open loop without its baseline phase (--baseline-seconds 0) has none (0).
        var baselineFlowsPerSecond = !settings.OpenLoop ? flowsPerSecond
            : baseline.Completed == 0 ? 0 : baseline.Completed / baselineSeconds;
        return new BurstReport
        {
            RunId = RunId,
            Server = server,
            StartedAt = startedAt,
            Customers = burstCustomers,
            Concurrency = settings.Concurrency,
            TargetRate = rate is { } x ? Round(x, 3) : null,
            Overload = settings.Overload,
            MaxInFlight = settings.MaxInFlight,
            MaxStartLagMs = rate is null ? null : Round(maxLag.TotalMilliseconds, 3),
            ServerCores = settings.ServerCores,
            Provisioning = provisioning,
            HealthRps = Round(anchors.HealthRps),
            StartRecoveryRps = Round(anchors.StartRecoveryRps),
            StartRecoveryToHealthRatio = Round(anchors.StartRecoveryRps / anchors.HealthRps, 3),
            UnknownLoginMedianMs = Round(anchors.UnknownLoginMedianMs, 3),
            HealthMedianMs = Round(anchors.HealthMedianMs, 3),
            Argon2HashMs = Round(anchors.Argon2HashMs, 3),
            Argon2CallsPerFlow = settings.Argon2PerFlow,
            Capacity = capacity with { Seconds = Round(capacity.Seconds, 3), VerifiesPerSecond = Round(capacity.VerifiesPerSecond), FlowsPerSecond = Round(capacity.FlowsPerSecond) },
            CapacityFlowsPerSecond = Round(capacity.FlowsPerSecond),
            FlowsCompleted = tally.Completed,
            FlowsFailed = tally.Failed + baseline.Failed,
            FlowsShed = tally.Shed,
            BurstSeconds = Round(burstSeconds, 3),
            FlowsPerSecond = Round(flowsPerSecond),
            FlowsToCapacity = capacity.FlowsPerSecond > 0 ? Round(flowsPerSecond / capacity.FlowsPerSecond, 3) : 0,
            BaselineFlowsPerSecond = Round(baselineFlowsPerSecond),
            BaselineFlows = baseline.Completed,
            GoodputToBaseline = baselineFlowsPerSecond > 0 ? Round(flowsPerSecond / baselineFlowsPerSecond, 3) : 0,
            TimeToSessionMs = TimeToSession(tally),
            Retries = retry.Retries,
            Errors = _outcomes.ErrorCount,
            ErrorsByKind = _outcomes.Errors(),
            ErrorSamples = _outcomes.ErrorSamples(),
            Shed = _outcomes.ShedCount,
            ShedByKind = _outcomes.Shed(),
            ShedByStep = _outcomes.ShedByStep(),
            LatencyMs = _outcomes.Latencies(),
            ClientPeakWorkingSetMib = memory.PeakBytes / (1024 * 1024),
            ClientCpuShare = Round(cpu.Share(), 3),
            ClientCpuShareBurst = Round(burstCpuShare, 3),
            Timeline = Timeline(tally, burstStart),
        };
    }

    private Task PhaseAsync(string name) => progress.WriteLineAsync($"burst {RunId}: {name}...");

    private async Task<ProvisioningFigures> ProvisionAsync(int count, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = await directoryFor(count).ImportCustomersAsync(Enumerable.Range(0, count).Select(_customers.Make), cancellationToken)
            .ConfigureAwait(false);
        return new ProvisioningFigures(result.Imported, result.AlreadyExisting, result.Rejected, Round(clock.Elapsed.TotalSeconds, 3));
    }

    // Workers each take the next customer until the customers (or the window) run out; a flow started in the window finishes.
    private async Task ClosedLoopAsync(
        UnlockFlow flow, int first, int count, TimeSpan? window, FlowTally tally, Stopwatch clock, CancellationToken cancellationToken)
    {
        var next = first - 1;
        var workers = Enumerable.Range(0, settings.Concurrency).Select(async _ =>
        {
            int i;
            while ((window is null || clock.Elapsed < window) && (i = Interlocked.Increment(ref next)) < first + count)
            {
                await RunOneAsync(flow, i, tally, clock, cancellationToken).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    // Flow i is due at i / rate seconds whatever the server does: customers do not wait for each other. Only the
    // optional --max-in-flight cap (or this client falling behind) starts one late, and the report's lag shows it.
    private async Task OpenLoopAsync(
        UnlockFlow flow, int first, int count, double rate, FlowTally tally, Stopwatch clock, Action<TimeSpan> lag, CancellationToken cancellationToken)
    {
        using var inFlight = settings.MaxInFlight is { } cap ? new SemaphoreSlim(cap) : null;
        var running = new List<Task>(count);
        for (var n = 0; n < count; n++)
        {
            var due = TimeSpan.FromSeconds(n / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            if (inFlight is not null)
            {
                await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            lag(clock.Elapsed - due);
            var index = first + n;
            running.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        await RunOneAsync(flow, index, tally, clock, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        inFlight?.Release();
                    }
                },
                cancellationToken));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private static async Task RunOneAsync(UnlockFlow flow, int i, FlowTally tally, Stopwatch clock, CancellationToken cancellationToken)
    {
        var started = clock.Elapsed;
        tally.MarkStarted();
        try
        {
            await flow.RunAsync(i, cancellationToken).ConfigureAwait(false);
            var ended = clock.Elapsed;
            tally.MarkCompleted(ended, ended - started);
        }
        catch (RecoveryClientException ex) when (RpcOutcomes.IsShedding(ex))
        {
            // Shed, and not retried: no RetryInfo, or the advised wait ran past the customer's patience or the ticket.
            tally.MarkGaveUp();
        }
        catch (Exception ex) when (ex is RecoveryClientException or BurstFlowException)
        {
            // Counted by kind in the outcomes; the burst goes on so one failure does not hide the rest.
            tally.MarkFailed();
        }
    }

    private Task WriteProgressAsync(FlowTally tally, int customers, int retries, TimeSpan elapsed)
    {
        var done = tally.Completed;
        var line = string.Format(CultureInfo.InvariantCulture,
            "flows {0}/{1} · {2:0.0}/s · in flight {3} · failed {4} · gave up {5} · shed {6} · retries {7} · {8:0.0} s",
            done, customers, elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0, tally.InFlight, tally.Failed, tally.Shed,
            _outcomes.ShedCount, retries, elapsed.TotalSeconds);
        return liveProgress ? progress.WriteAsync("\r" + line + "   ") : progress.WriteLineAsync(line);
    }

    private static LatencySummary TimeToSession(FlowTally tally)
    {
        // Up to an hour: a patient customer's time to session includes every advised wait.
        var histogram = new LongHistogram(3_600_000_000, 3);
        foreach (var (_, ms) in tally.Finished)
        {
            histogram.RecordValue(Math.Clamp((long)(ms * 1000), 1, 3_600_000_000));
        }

        return histogram.TotalCount == 0 ? new LatencySummary(0, 0, 0, 0, 0, 0) : LatencySummary.Of(histogram);
    }

    private List<TimelinePoint> Timeline(FlowTally tally, long burstStart)
    {
        int SecondOf(long ticks) => (int)((ticks - burstStart) / Stopwatch.Frequency);
        var flows = tally.Finished.GroupBy(f => (int)f.At).ToDictionary(g => g.Key, g => g.Select(f => f.Ms).ToList());
        var hashing = _outcomes.AdmittedCalls().Where(c => c.At >= burstStart && HashingRpcs.Contains(c.Rpc, StringComparer.Ordinal))
            .GroupBy(c => SecondOf(c.At)).ToDictionary(g => g.Key, g => g.Select(c => c.Ms).ToList());
        var shed = _outcomes.ShedTimes().Where(t => t >= burstStart).GroupBy(SecondOf).ToDictionary(g => g.Key, g => g.Count());
        var seconds = flows.Keys.Concat(hashing.Keys).Concat(shed.Keys).DefaultIfEmpty(-1).Max();
        return [.. Enumerable.Range(0, seconds + 1).Select(s => new TimelinePoint(
            s,
            flows.TryGetValue(s, out var f) ? f.Count : 0,
            Round(P99(f), 3),
            Round(P99(hashing.GetValueOrDefault(s)), 3),
            shed.GetValueOrDefault(s)))];
    }

    private static double P99(List<double>? values)
    {
        if (values is null || values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        return values[Math.Min(values.Count - 1, (int)Math.Ceiling(values.Count * 0.99) - 1)];
    }

    private static double Round(double value, int digits = 1) => double.IsFinite(value) ? Math.Round(value, digits) : 0;
}
