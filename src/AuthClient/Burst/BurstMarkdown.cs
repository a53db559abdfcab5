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
            ? string.Create(CultureInfo.InvariantCulture, $"target rate {rate:0.#} flows/s (at most {r.Concurrency} in flight)")
            : string.Create(CultureInfo.InvariantCulture, $"concurrency {r.Concurrency}");
        text.Append(CultureInfo.InvariantCulture, $"{r.Customers} customers, {mode}, against {r.Server} at {r.StartedAt:yyyy-MM-dd HH:mm:ss} UTC.").Append('\n');
        Line(text);
        Line(text, "| figure | value |");
        Line(text, "|---|---|");
        text.Append(CultureInfo.InvariantCulture, $"| flows completed / failed / shed | {r.FlowsCompleted} / {r.FlowsFailed} / {r.FlowsShed} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| flows per second | {r.FlowsPerSecond:0.0} (burst {r.BurstSeconds:0.0} s) |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| Argon2 ceiling, flows per second | {r.Argon2CeilingFlowsPerSecond:0.0} = {r.ServerCores} cores ÷ ({r.Argon2CallsPerFlow} × {r.Argon2HashMs:0.0} ms) |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| flows ÷ ceiling (target ≥ 0.8 at concurrency ≥ 4 × cores) | {r.RatioToCeiling:0.00} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| health checks per second | {r.HealthRps:0} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| StartRecovery per second (decoy cards) | {r.StartRecoveryRps:0} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| StartRecovery ÷ health (target ≥ 0.25) | {r.StartRecoveryToHealthRatio:0.00} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| Argon2 single hash (estimate) | {r.Argon2HashMs:0.0} ms = Login unknown user {r.UnknownLoginMedianMs:0.0} ms − health {r.HealthMedianMs:0.0} ms (medians) |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| errors (other than shedding) | {r.Errors} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| shed (RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, UNAVAILABLE OVERLOADED) | {r.Shed} |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| provisioning (ImportCustomers) | {r.Provisioning.Imported} imported in {r.Provisioning.Seconds:0.0} s |").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"| client peak working set | {r.ClientPeakWorkingSetMib} MiB (the server's is not visible from here) |").Append('\n');
        Line(text);
        Line(text, "The Argon2 time is estimated from outside: a Login with a wrong password for an unknown user code costs one");
        Line(text, "Argon2 verify against the decoy hash plus one RPC, and the health-check median is that RPC's floor.");
        WriteMissedTargets(text, r);
        Line(text);
        Line(text, "| RPC | count | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
        Line(text, "|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (rpc, l) in r.LatencyMs)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {rpc} | {l.Count} | {l.P50:0.00} | {l.P90:0.00} | {l.P99:0.00} | {l.P999:0.00} | {l.Max:0.00} |").Append('\n');
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

        return text.ToString();
    }

    // A missed target is reported with what bounds it, from the run's own figures, and what would move it.
    private static void WriteMissedTargets(StringBuilder text, BurstReport r)
    {
        var notes = new List<string>();
        if (r.RatioToCeiling < 0.8)
        {
            var change = r.LatencyMs.TryGetValue("ChangePassword", out var c) ? c.P50 : 0;
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"- Flows ÷ ceiling {r.RatioToCeiling:0.00} is below 0.8. The ceiling assumes {r.ServerCores} cores each hashing at the " +
                $"single-hash rate; Argon2 is memory-bound and on shared machines parallel hashing scales less than linearly " +
                $"(`change-password-burst` in benchmarks/ measures that capacity). ChangePassword's median {change:0.0} ms against one " +
                $"hash of {r.Argon2HashMs:0.0} ms is queueing at the server's Argon2 gate. When the server runs on this machine the " +
                $"client's own work (gRPC, dev-sink reading) takes the same cores. What would move it: the client on another machine, " +
                $"--server-cores set to the server's real cores, cores that scale for memory-bound work."));
        }

        if (r.StartRecoveryToHealthRatio < 0.25)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"- StartRecovery ÷ health {r.StartRecoveryToHealthRatio:0.00} is below 0.25: each call checks the captcha and the card, " +
                $"hashes the PAN, takes the rate limits and writes a challenge and a recovery (round trips on Redis), which a health " +
                $"check does not. What would move it: a Redis closer to the server, fewer limits per call."));
        }

        if (r.Errors > 0)
        {
            notes.Add("- Errors other than shedding happened: see the failure table; the run fails.");
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
