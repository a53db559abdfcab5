using System.Globalization;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// The Argon2id cost of the tests' in-process servers: Argon2's floor (8 KiB, one pass), some thousand times
/// cheaper than the shipped 19 MiB × 2. The hashes are still real Argon2id through the real engines and gate; only
/// Development accepts the cost (<c>Hosting.Argon2CostValidator</c>).
/// </summary>
internal static class TestArgon2Profile
{
    public static readonly string MemoryKib = Argon2Options.FloorMemoryKibPerLane.ToString(CultureInfo.InvariantCulture);

    public const string Iterations = "1";
}
