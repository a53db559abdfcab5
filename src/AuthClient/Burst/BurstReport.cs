namespace Recovery.Client.Burst;

/// <summary>The result of a run, written as JSON (snake_case names) and summarised as Markdown.</summary>
internal sealed record BurstReport
{
    public required string RunId { get; init; }

    public required string Server { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Customers the burst unlocks (the baseline phase's are apart: <see cref="BaselineFlows"/>).</summary>
    public required int Customers { get; init; }

    public required int Concurrency { get; init; }

    /// <summary>Flows started per second in open loop (<c>--rate</c>, or <c>--overload</c> × the measured capacity); null in closed loop.</summary>
    public double? TargetRate { get; init; }

    /// <summary>The multiple of the measured capacity the open loop ran at (<c>--overload</c>); null otherwise.</summary>
    public double? Overload { get; init; }

    /// <summary>Open loop: the cap on flows in flight (<c>--max-in-flight</c>); null: none.</summary>
    public int? MaxInFlight { get; init; }

    /// <summary>Open loop: the latest a flow started after it was due, in milliseconds (the client's own lag, or the cap's).</summary>
    public double? MaxStartLagMs { get; init; }

    /// <summary>Cores the server has (<c>--server-cores</c>): the capacity probe keeps 4 Logins in flight per core by default.</summary>
    public required int ServerCores { get; init; }

    public required ProvisioningFigures Provisioning { get; init; }

    public required double HealthRps { get; init; }

    public required double StartRecoveryRps { get; init; }

    /// <summary>StartRecovery rate ÷ health rate.</summary>
    public required double StartRecoveryToHealthRatio { get; init; }

    /// <summary>Median of sequential Logins with a wrong password for an unknown user (one Argon2 verify + one RPC).</summary>
    public required double UnknownLoginMedianMs { get; init; }

    /// <summary>Median of sequential health checks: the RPC floor subtracted from the Login median.</summary>
    public required double HealthMedianMs { get; init; }

    /// <summary>Estimated single-hash Argon2 time of the server's engine (one core, nothing else hashing).</summary>
    public required double Argon2HashMs { get; init; }

    /// <summary>Argon2 computations one flow costs the server (<c>--argon2-per-flow</c>, default 2).</summary>
    public required int Argon2CallsPerFlow { get; init; }

    /// <summary>The server's hashing capacity measured in the same run: unknown-user Logins at full parallelism.</summary>
    public required CapacityFigures Capacity { get; init; }

    /// <summary>verifies per second ÷ argon2_calls_per_flow.</summary>
    public required double CapacityFlowsPerSecond { get; init; }

    public required int FlowsCompleted { get; init; }

    /// <summary>Flows that ended on an error (a status other than shedding, a missing message, an unexpected answer).</summary>
    public required int FlowsFailed { get; init; }

    /// <summary>Flows whose customer gave up: a shed call could not be retried (no RetryInfo, or past the deadline).</summary>
    public required int FlowsShed { get; init; }

    public required double BurstSeconds { get; init; }

    /// <summary>Flows completed per second of the burst (goodput: completed customers only, retries included).</summary>
    public required double FlowsPerSecond { get; init; }

    /// <summary>flows_per_second ÷ capacity_flows_per_second.</summary>
    public required double FlowsToCapacity { get; init; }

    /// <summary>Closed-loop flows per second of the same run (the baseline phase in open loop; the burst itself in closed loop).</summary>
    public required double BaselineFlowsPerSecond { get; init; }

    /// <summary>Flows the baseline phase completed (0 in closed loop, where the burst is its own baseline).</summary>
    public required int BaselineFlows { get; init; }

    /// <summary>flows_per_second ÷ baseline_flows_per_second.</summary>
    public required double GoodputToBaseline { get; init; }

    /// <summary>Per completed customer: first StartRecovery to a session with the new password, retries and their waits included.</summary>
    public required LatencySummary TimeToSessionMs { get; init; }

    /// <summary>Calls sent again after a shed answer.</summary>
    public required int Retries { get; init; }

    /// <summary>Failures other than explicit shedding, anchors included.</summary>
    public required int Errors { get; init; }

    public required SortedDictionary<string, int> ErrorsByKind { get; init; }

    /// <summary>The first failure of each error kind with what the client saw (detail, transport exception, trailers).</summary>
    public required SortedDictionary<string, string> ErrorSamples { get; init; }

    /// <summary>Shed answers (RESOURCE_EXHAUSTED, UNAVAILABLE OVERLOADED): the server's documented back-pressure, retried or not.</summary>
    public required int Shed { get; init; }

    public required SortedDictionary<string, int> ShedByKind { get; init; }

    /// <summary>Shed answers by the step of the flow that was refused.</summary>
    public required SortedDictionary<string, int> ShedByStep { get; init; }

    /// <summary>Latency of admitted (answered) calls per RPC; refused calls are not in it.</summary>
    public required SortedDictionary<string, LatencySummary> LatencyMs { get; init; }

    /// <summary>This client's peak working set; the server's is out of the client's reach.</summary>
    public required long ClientPeakWorkingSetMib { get; init; }

    /// <summary>This process's CPU time over the whole run ÷ (wall time × this machine's cores).</summary>
    public required double ClientCpuShare { get; init; }

    /// <summary>The same over the burst alone.</summary>
    public required double ClientCpuShareBurst { get; init; }

    /// <summary>Each second of the burst: flows completed and their p99 time to session, admitted hashing calls' p99, shed answers.</summary>
    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }
}
