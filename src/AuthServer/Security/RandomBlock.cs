using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Recovery.AuthServer.Security;

/// <summary>
/// Bytes of a CSPRNG drawn a block at a time and handed out once each. Each draw from the generator is a native call that
/// costs about as much as drawing a kilobyte (0.8 µs for 16 bytes against 1.3 µs for 4,096 on the reference machine),
/// and every StartRecovery draws three times (its id, its code, a decoy's token); from a block they cost a copy.
/// </summary>
/// <remarks>
/// Why this is as safe as drawing each time: every byte handed out is a generator byte that nobody else gets (it is
/// wiped from the block as it is taken), and the bytes not yet taken sit in this process's memory, where the generator's
/// own state (which determines its future output) and the server's keys already are: whoever can read them learns
/// nothing more than they could already. Not thread-safe: <see cref="CryptoRandomSource"/> keeps one per thread.
/// </remarks>
internal sealed class RandomBlock
{
    private readonly byte[] block;
    private readonly Action<Span<byte>> draw;
    private int next;

    /// <param name="draw">The generator (the OS CSPRNG in production; a counter in tests).</param>
    /// <param name="size">Bytes drawn at once; a request larger than a quarter of it is drawn on its own.</param>
    public RandomBlock(Action<Span<byte>> draw, int size)
    {
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        this.draw = draw;
        block = new byte[size];
        next = size;
    }

    /// <summary>The block as it stands (taken bytes are zero): for tests.</summary>
    internal ReadOnlySpan<byte> Contents => block;

    public void Fill(Span<byte> destination)
    {
        if (destination.Length > block.Length / 4)
        {
            draw(destination);
            return;
        }

        if (destination.Length > block.Length - next)
        {
            // What is left is too short: wiped and never handed out, so no byte is ever given twice or split oddly.
            CryptographicOperations.ZeroMemory(block.AsSpan(next));
            draw(block);
            next = 0;
        }

        var taken = block.AsSpan(next, destination.Length);
        taken.CopyTo(destination);
        CryptographicOperations.ZeroMemory(taken);
        next += destination.Length;
    }

    /// <summary>
    /// A uniform integer in [0, <paramref name="maxExclusive"/>): <see cref="RandomNumberGenerator.GetInt32(int)"/>'s
    /// algorithm (32 bits masked down to the smallest power of two that covers the range, redrawn while out of it: no
    /// modulo bias), over this block's bytes.
    /// </summary>
    public int NextInt32(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var range = (uint)maxExclusive - 1;
        if (range == 0)
        {
            return 0;
        }

        var mask = uint.MaxValue >> BitOperations.LeadingZeroCount(range);
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        uint result;
        do
        {
            Fill(bytes);
            result = BinaryPrimitives.ReadUInt32LittleEndian(bytes) & mask;
        }
        while (result > range);

        CryptographicOperations.ZeroMemory(bytes);
        return (int)result;
    }
}
