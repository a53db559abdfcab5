using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Storage;

/// <summary>Where state lives. Bound from <c>Storage:*</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>InMemory</c> (default: one process, nothing survives a restart) or <c>Redis</c> (any number of nodes).</summary>
    [Required]
    [RegularExpression("^(InMemory|Redis)$")]
    public string Provider { get; set; } = "InMemory";

    [ValidateObjectMembers]

    public RedisStorageOptions Redis { get; set; } = new();

    public bool UsesRedis => Provider == "Redis";
}
