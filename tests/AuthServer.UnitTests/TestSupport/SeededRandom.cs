using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>A reproducible pseudo-random source for sampling tests (same seed, same samples).</summary>
internal sealed class SeededRandom(int seed) : IRandomSource
{
#pragma warning disable CA5394 // Deliberately not a CSPRNG: tests need reproducible samples.
    private readonly Random random = new(seed);

    public int NextInt32(int maxExclusive) => random.Next(maxExclusive);

    public void Fill(Span<byte> buffer) => random.NextBytes(buffer);
#pragma warning restore CA5394
}
