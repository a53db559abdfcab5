using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Argon2id cost for new hashes. Bound from <c>Passwords:Argon2:*</c>. The minimums are OWASP's
/// (m=19 MiB, t=2, p=1); raising any value makes old hashes upgrade at their next successful login.
/// </summary>
public sealed class Argon2Options
{
    public const string Section = "Passwords:Argon2";

    /// <summary>Memory in KiB. Default 19456 (19 MiB), the minimum accepted.</summary>
    [Range(19_456, 1_048_576)]
    public int MemoryKib { get; set; } = 19_456;

    /// <summary>Passes over memory. Default 2, the minimum accepted.</summary>
    [Range(2, 20)]
    public int Iterations { get; set; } = 2;

    /// <summary>Lanes. Default 1.</summary>
    [Range(1, 16)]
    public int Parallelism { get; set; } = 1;
}
