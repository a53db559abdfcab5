namespace Recovery.Client.Burst;

/// <summary>The result of a run, written as JSON (snake_case names) and summarised as Markdown.</summary>
internal sealed record BurstReport
{
    public required string RunId { get; init; }

    public required string Server { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required int Customers { get; init; }

    public required int Concurrency { get; init; }

    /// <summary>Flows started per second in open-loop mode (<c>--rate</c>); null in closed-loop mode.</summary>
    public double? TargetRate { get; init; }

    /// <summary>Cores the Argon2 ceiling assumes the server has (<c>--server-cores</c>).</summary>
    public required int ServerCores { get; init; }

    public required ProvisioningFigures Provisioning { get; init; }

    public required double HealthRps { get; init; }

    public required double StartRecoveryRps { get; init; }

    /// <summary>StartRecovery rate ÷ health rate; the target is at least 0.25.</summary>
    public required double StartRecoveryToHealthRatio { get; init; }

    /// <summary>Median of sequential Logins with a wrong password for an unknown user (one Argon2 verify + one RPC).</summary>
    public required double UnknownLoginMedianMs { get; init; }

    /// <summary>Median of sequential health checks: the RPC floor subtracted from the Login median.</summary>
    public required double HealthMedianMs { get; init; }

    /// <summary>Estimated single-hash Argon2 time of the server's engine.</summary>
    public required double Argon2HashMs { get; init; }

    /// <summary>ChangePassword's hash and the final Login's verify; synthetic customers have no password history.</summary>
    public required int Argon2CallsPerFlow { get; init; }

    /// <summary>server_cores ÷ (argon2_calls_per_flow × argon2_hash_ms / 1000).</summary>
    public required double Argon2CeilingFlowsPerSecond { get; init; }

    public required int FlowsCompleted { get; init; }

    public required int FlowsFailed { get; init; }

    public required int FlowsShed { get; init; }

    public required double BurstSeconds { get; init; }

    public required double FlowsPerSecond { get; init; }

    /// <summary>flows_per_second ÷ argon2_ceiling_flows_per_second; the target is at least 0.8 at concurrency ≥ 4 × cores.</summary>
    public required double RatioToCeiling { get; init; }

    /// <summary>Failures other than explicit shedding, anchors included.</summary>
    public required int Errors { get; init; }

    public required SortedDictionary<string, int> ErrorsByKind { get; init; }

    /// <summary>RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED and UNAVAILABLE OVERLOADED: the server's documented back-pressure.</summary>
    public required int Shed { get; init; }

    public required SortedDictionary<string, int> ShedByKind { get; init; }

    public required SortedDictionary<string, LatencySummary> LatencyMs { get; init; }

    /// <summary>This client's peak working set; the server's is out of the client's reach.</summary>
    public required long ClientPeakWorkingSetMib { get; init; }

    /// <summary>Flows completed in each second of the burst, and the p99 flow time of that second.</summary>
    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }
}
