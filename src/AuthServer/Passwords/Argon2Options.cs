using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Argon2id cost for new hashes, the engine, and the admission gate. Bound from <c>Passwords:Argon2:*</c>.
/// The cost minimums are OWASP's (m=19 MiB, t=2, p=1), enforced in every environment but Development
/// (<c>Hosting.Argon2CostValidator</c>); raising any value makes old hashes upgrade at their next successful login.
/// </summary>
public sealed class Argon2Options
{
    public const string Section = "Passwords:Argon2";

    /// <summary>Queued hashes per slot by default: 64 × ~13 ms (libsodium, default cost) ≈ 0.8 s of work, about a channel's deadline.</summary>
    public const int DefaultQueuePerSlot = 64;

    /// <summary>OWASP's minimum memory (KiB, 19 MiB) for Argon2id at t=2, p=1: the least any environment but Development accepts.</summary>
    public const int MinimumMemoryKib = 19_456;

    /// <summary>OWASP's minimum passes at <see cref="MinimumMemoryKib"/>: the least any environment but Development accepts.</summary>
    public const int MinimumIterations = 2;

    /// <summary>Argon2's own floor: 8 KiB per lane (RFC 9106). Development's cheapest cost, used by the tests' profile.</summary>
    public const int FloorMemoryKibPerLane = 8;

    /// <summary>The most memory (KiB, 1 GiB) any configuration may ask for, and so any stored hash may name.</summary>
    public const int MaxMemoryKib = 1_048_576;

    /// <summary>The most passes any configuration may ask for, and so any stored hash may name.</summary>
    public const int MaxIterations = 20;

    /// <summary>The most lanes any configuration may ask for, and so any stored hash may name.</summary>
    public const int MaxParallelism = 16;

    /// <summary>
    /// Memory in KiB. Default 19456 (19 MiB), <see cref="MinimumMemoryKib"/>: the minimum accepted outside
    /// Development, where Argon2's floor (8 KiB per lane) is the limit so tests can hash cheaply.
    /// </summary>
    [Range(FloorMemoryKibPerLane, MaxMemoryKib)]
    public int MemoryKib { get; set; } = MinimumMemoryKib;

    /// <summary>Passes over memory. Default 2, <see cref="MinimumIterations"/>: the minimum accepted outside Development (there, 1).</summary>
    [Range(1, MaxIterations)]
    public int Iterations { get; set; } = MinimumIterations;

    /// <summary>Lanes. Default 1 (libsodium computes only 1; other values use Konscious).</summary>
    [Range(1, MaxParallelism)]
    public int Parallelism { get; set; } = 1;

    /// <summary>Default <see cref="Argon2EngineKind.Auto"/>: libsodium if it loads, else Konscious.</summary>
    [EnumDataType(typeof(Argon2EngineKind))]
    public Argon2EngineKind Engine { get; set; } = Argon2EngineKind.Auto;

    /// <summary>
    /// Hashes computed at once, each on a dedicated thread. Default <see cref="Environment.ProcessorCount"/>:
    /// Argon2 is CPU-bound, so more only adds memory (MaxConcurrency × MemoryKib) and latency.
    /// </summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Hashes waiting for a slot at most, of any priority; one more is refused at once. A memory cap, not what sheds
    /// under a burst (that is <see cref="LatencyTarget"/>). Default 64 × <see cref="MaxConcurrency"/>.
    /// </summary>
    [Range(0, 100_000)]
    public int? MaxQueue { get; set; }

    /// <summary>
    /// The longest wait predicted for a hash that the gate still admits: a hash predicted to wait longer (the work ahead
    /// of it ÷ <see cref="MaxConcurrency"/> × the measured hash time) is refused at once with RESOURCE_EXHAUSTED
    /// HASHING_SATURATED and a RetryInfo computed from the queue, and a fresh hash that has waited twice this long is
    /// refused at its turn instead of computed. Default 0.5 s (10 ms – 30 s): half a second of queue keeps an admitted
    /// call well under a second while leaving enough queued work to keep every core busy between arrivals.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan LatencyTarget { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Added to the nice value of the gate's hashing threads (Linux only; elsewhere ignored), capped at 19. Default 0
    /// (0–19; 0 leaves them at the server's priority). Why one would raise it: a hash holds a core for tens of
    /// milliseconds, and at the same priority a woken RPC or outbox delivery waits for the hash's time slice before it
    /// runs, so under a burst every cheap step of a flow (and a health check) waits milliseconds; a few steps lower in
    /// weight and the scheduler hands the core to them at once and gives it back. Why it is not on by default: the
    /// hashes then also yield to every other thread in their scheduling group (a flood of cheap calls, or other
    /// processes where the server has no CPU cgroup of its own), so logins slow down first (docs/operations.md,
    /// "Hashing below the cheap work").
    /// </summary>
    [Range(0, 19)]
    public int ThreadNice { get; set; }

    public int EffectiveMaxQueue => MaxQueue ?? DefaultQueuePerSlot * MaxConcurrency;
}
