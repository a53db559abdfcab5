namespace Recovery.AuthServer.Security;

/// <summary>Randomness, injected so tests can observe what was drawn. Production uses a CSPRNG.</summary>
public interface IRandomSource
{
    /// <summary>A uniformly distributed integer in [0, maxExclusive).</summary>
    int NextInt32(int maxExclusive);

    void Fill(Span<byte> buffer);
}
