using System.Security.Cryptography;

namespace Recovery.AuthServer.Security;

/// <summary>The operating system's CSPRNG, drawn a kilobyte at a time per thread (<see cref="RandomBlock"/> says why that is as safe).</summary>
public sealed class CryptoRandomSource : IRandomSource
{
    private const int BlockSize = 1024;

    // One block per thread: no lock on the hot path, and no byte can be handed to two threads.
    [ThreadStatic]
    private static RandomBlock? block;

    public int NextInt32(int maxExclusive) => Block.NextInt32(maxExclusive);

    public void Fill(Span<byte> buffer) => Block.Fill(buffer);

    private static RandomBlock Block => block ??= new RandomBlock(RandomNumberGenerator.Fill, BlockSize);
}
