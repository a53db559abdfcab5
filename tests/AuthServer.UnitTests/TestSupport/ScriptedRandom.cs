using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>
/// A deterministic <see cref="IRandomSource"/>: <see cref="NextInt32"/> returns the scripted values in
/// turn (cycling), reduced into range; <see cref="Fill"/> writes a counter so buffers differ per call.
/// Records every bound it was asked for.
/// </summary>
internal sealed class ScriptedRandom(params int[] values) : IRandomSource
{
    private readonly Lock gate = new();
    private int next;
    private byte fillCounter;

    public List<int> RequestedBounds { get; } = [];

    public int NextInt32(int maxExclusive)
    {
        lock (gate)
        {
            RequestedBounds.Add(maxExclusive);
            var value = values.Length == 0 ? 0 : values[next++ % values.Length];
            return value % maxExclusive;
        }
    }

    public void Fill(Span<byte> buffer)
    {
        lock (gate)
        {
            fillCounter++;
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (byte)(fillCounter + i);
            }
        }
    }
}
