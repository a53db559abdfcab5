using System.Security.Cryptography;

namespace Recovery.AuthServer.Security;

/// <summary>The operating system's CSPRNG.</summary>
public sealed class CryptoRandomSource : IRandomSource
{
    public int NextInt32(int maxExclusive) => RandomNumberGenerator.GetInt32(maxExclusive);

    public void Fill(Span<byte> buffer) => RandomNumberGenerator.Fill(buffer);
}
