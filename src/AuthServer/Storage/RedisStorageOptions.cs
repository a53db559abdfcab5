using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Storage;

/// <summary>Bound from <c>Storage:Redis:*</c>; used when <c>Storage:Provider</c> is <c>Redis</c>.</summary>
public sealed class RedisStorageOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string: <c>host:port[,host:port…][,password=…][,ssl=true]</c>,
    /// with <c>serviceName=…</c> for Sentinel. Cluster is discovered from any node. Required with Redis.
    /// </summary>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>Prefix of every key, so several environments can share a Redis. Default <c>recovery:</c>.</summary>
    [RegularExpression("^[A-Za-z0-9:_-]{0,32}$")]
    public string KeyPrefix { get; set; } = "recovery:";

    /// <summary>
    /// The longest a Redis command may take before the call fails closed with UNAVAILABLE. Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Replicas that must acknowledge a credential write (Redis <c>WAIT</c> for half of
    /// <see cref="OperationTimeout"/>) before the call reports success; fewer fails the call with
    /// UNAVAILABLE. 0 (default) waits for none: a failover may then lose the last second of writes.
    /// </summary>
    [Range(0, 5)]
    public int WaitReplicas { get; set; }
}
