using System.Globalization;
using System.Text;

namespace Recovery.Client.Burst;

/// <summary>The report as Markdown: the figures, the targets against them, latency per RPC, errors and shedding.</summary>
internal static class BurstMarkdown
{
    public static string Write(BurstReport r)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Unlock burst {r.RunId}").Append('\n');
        Line(text);
        var mode = r.TargetRate is { } rate
            ? string.Create(CultureInfo.InvariantCulture,
                $"open loop, target rate {rate:0.#} flows/s{(r.Overload is { } n ? $" ({n:0.##} × the measured capacity)" : "")}, {(r.MaxInFlight is { } cap ? $"at most {cap} in flight" : "no cap on flows in flight")}")
            : string.Create(CultureInfo.InvariantCulture, $"closed loop, concurrency {r.Concurrency}");
        text.Append(CultureInfo.InvariantCulture, $"{r.Customers} customers, {mode}, against {r.Server} at {r.StartedAt:yyyy-MM-dd HH:mm:ss} UTC.").Append('\n');
        Line(text);
        Line(text, "| figure | value |");
        Line(text, "|---|---|");
        text.Append(CultureInfo.InvariantCulture, $"| flows completed / failed / gave up | {r.FlowsCompleted} / {r.FlowsFailed} / {r.FlowsShed} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| flows per second (goodput) | {r.FlowsPerSecond:0.0} (burst {r.BurstSeconds:0.0} s) |").Append('\n');
        var c = r.Capacity;
        text.Append(CultureInfo.InvariantCulture,
            $"| capacity, measured | {r.CapacityFlowsPerSecond:0.0} flows/s = {c.VerifiesPerSecond:0.0} verifies/s ÷ {r.Argon2CallsPerFlow} Argon2 per flow ({c.Verifies} unknown-user Logins in {c.Seconds:0.0} s at {c.Concurrency} in flight; {c.Shed} shed) |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| flows ÷ capacity | {r.FlowsToCapacity:0.00} |").Append('\n');
        if (r.TargetRate is not null)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| closed-loop flows per second, same run (baseline) | {r.BaselineFlowsPerSecond:0.0} ({r.BaselineFlows} flows at concurrency {r.Concurrency}) |").Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"| goodput ÷ closed loop | {r.GoodputToBaseline:0.00} |").Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"| latest flow start after its due time | {r.MaxStartLagMs:0} ms |").Append('\n');
        }

        var t = r.TimeToSessionMs;
        text.Append(CultureInfo.InvariantCulture,
            $"| time to session per customer, p50 / p99 / max (retries included) | {Seconds(t.P50)} / {Seconds(t.P99)} / {Seconds(t.Max)} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| shed answers / retries after RetryInfo | {r.Shed} / {r.Retries} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| errors (other than shedding) | {r.Errors} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| health checks per second | {r.HealthRps:0} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| StartRecovery per second (decoy cards) | {r.StartRecoveryRps:0} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| StartRecovery ÷ health | {r.StartRecoveryToHealthRatio:0.00} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture,
            $"| Argon2 single hash, alone (estimate) | {r.Argon2HashMs:0.0} ms = Login unknown user {r.UnknownLoginMedianMs:0.0} ms − health {r.HealthMedianMs:0.0} ms (medians); {r.ServerCores} cores × that rate would be {r.ServerCores * 1000 / Math.Max(r.Argon2HashMs, 0.001):0} verifies/s |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| provisioning (ImportCustomers) | {r.Provisioning.Imported} imported in {r.Provisioning.Seconds:0.0} s |").Append('\n');
        text.Append(CultureInfo.InvariantCulture,
            $"| client CPU, share of this machine (whole run / burst) | {r.ClientCpuShare:P0} / {r.ClientCpuShareBurst:P0} of {Environment.ProcessorCount} cores |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| client peak working set | {r.ClientPeakWorkingSetMib} MiB (the server's is not visible from here) |").Append('\n');
        Line(text);
        Line(text, "The capacity is measured, not estimated: Logins with a wrong password for user codes nobody has, several per server");
        Line(text, "core in flight, each answered after one Argon2 verify against the decoy hash; answers per second are what the");
        Line(text, "server's cores really hash in parallel. When client and server share a machine, the client's CPU share above is");
        Line(text, "what it took from the server.");
        WriteMissedTargets(text, r);
        Line(text);
        Line(text, "Admitted calls (answered; shed answers are not in it):");
        Line(text);
        Line(text, "| RPC | count | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
        Line(text, "|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (rpc, l) in r.LatencyMs)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {rpc} | {l.Count} | {l.P50:0.00} | {l.P90:0.00} | {l.P99:0.00} | {l.P999:0.00} | {l.Max:0.00} |").Append('\n');
        }

        if (r.ShedByStep.Count > 0)
        {
            Line(text);
            Line(text, "| shed at step | answers |");
            Line(text, "|---|---:|");
            foreach (var (step, count) in r.ShedByStep)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {step} | {count} |").Append('\n');
            }
        }

        if (r.ErrorsByKind.Count + r.ShedByKind.Count > 0)
        {
            Line(text);
            Line(text, "| failure (RPC, status, reason) | kind | count |");
            Line(text, "|---|---|---:|");
            foreach (var (kind, count) in r.ErrorsByKind)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {kind} | error | {count} |").Append('\n');
            }

            foreach (var (kind, count) in r.ShedByKind)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {kind} | shed | {count} |").Append('\n');
            }
        }

        if (r.ErrorSamples.Count > 0)
        {
            Line(text);
            Line(text, "What the client saw, first of each error kind:");
            Line(text);
            foreach (var (kind, sample) in r.ErrorSamples)
            {
                text.Append(CultureInfo.InvariantCulture, $"- `{kind}`: {sample.Replace('\n', ' ')}").Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Seconds(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.00} s");

    // A missed target is reported with what bounds it, from the run's own figures, and what would move it.
    private static void WriteMissedTargets(StringBuilder text, BurstReport r)
    {
        var notes = new List<string>();
        if (r.TargetRate is null && r.FlowsToCapacity < 0.9)
        {
            var change = r.LatencyMs.TryGetValue("ChangePassword", out var c) ? c.P50 : 0;
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"- Flows ÷ capacity {r.FlowsToCapacity:0.00} is below 0.9. The capacity counts only hashing; a flow also pays four " +
                $"cheap RPCs, three dev-sink messages and the client's own work on the same cores (CPU share {r.ClientCpuShareBurst:P0} in " +
                $"the burst). ChangePassword's median {change:0.0} ms against one hash of {r.Argon2HashMs:0.0} ms is queueing at the " +
                $"server's Argon2 gate, which closed-loop concurrency {r.Concurrency} keeps busy only if it is several per core."));
        }

        if (r.TargetRate is not null && r.GoodputToBaseline < 0.9)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"- Goodput ÷ closed loop {r.GoodputToBaseline:0.00} is below 0.9: under overload the server spends capacity on work " +
                $"it then refuses, or on flows that never complete (gave up: {r.FlowsShed}); see the shed-by-step table."));
        }

        if (r.Capacity.Shed > r.Capacity.Verifies / 10)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"- The capacity probe was shed {r.Capacity.Shed} times for {r.Capacity.Verifies} verifies: the server's gate refused " +
                $"unknown-user Logins (fresh work) at {r.Capacity.Concurrency} in flight, so the capacity above is what it admitted, " +
                $"likely less than it can hash, and every ratio to it is too high. A lower {r.Capacity.Concurrency / 2} in flight " +
                $"(--capacity-concurrency) may still keep every core busy with less queue."));
        }

        if (r.FlowsShed > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"- {r.FlowsShed} customer(s) gave up: a shed answer came without RetryInfo, or advised a wait past their patience or the " +
                $"life of what the call carried; the failure table says which step and reason (e.g. a Login RATE_LIMITED for minutes)."));
        }

        if (r.Errors > 0)
        {
            notes.Add("- Errors other than shedding happened: see the failure table and what the client saw; the run fails.");
        }

        if (notes.Count == 0)
        {
            return;
        }

        Line(text);
        Line(text, "Targets missed, and what bounds them:");
        Line(text);
        foreach (var note in notes)
        {
            Line(text, note);
        }
    }

    // "\n", not Environment.NewLine: the report is the same file on every platform.
    private static void Line(StringBuilder text, string line = "") => text.Append(line).Append('\n');
}
