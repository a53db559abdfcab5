using System.Buffers.Binary;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.UnitTests.Security;

/// <summary>
/// A block of generator bytes hands each byte out once, in the order drawn, and wipes it as it goes; NextInt32 is
/// RandomNumberGenerator.GetInt32's masked rejection over those bytes.
/// </summary>
public sealed class RandomBlockTests
{
    // The generator stand-in: consecutive byte values (0, 1, 2, ... wrapping), and how many draws and bytes were asked.
    private sealed class CountingGenerator
    {
        private byte value;

        public int Draws { get; private set; }

        public void Draw(Span<byte> destination)
        {
            Draws++;
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = value++;
            }
        }
    }

    [Fact]
    public void Fill_SmallRequests_EachDrawnByteOnceInOrderOneDrawPerBlock()
    {
        var generator = new CountingGenerator();
        var block = new RandomBlock(generator.Draw, 64);
        var handed = new List<byte>();

        for (var i = 0; i < 10; i++)
        {
            var buffer = new byte[16];
            block.Fill(buffer);
            handed.AddRange(buffer);
        }

        Assert.Equal(Enumerable.Range(0, 160).Select(i => (byte)i), handed);
        Assert.Equal(3, generator.Draws);
    }

    [Fact]
    public void Fill_TakenBytes_WipedFromTheBlockTheRestAsDrawn()
    {
        var block = new RandomBlock(new CountingGenerator().Draw, 64);

        block.Fill(new byte[10]);
        block.Fill(new byte[6]);

        Assert.All(block.Contents[..16].ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(Enumerable.Range(16, 48).Select(i => (byte)i), block.Contents[16..].ToArray());
    }

    [Fact]
    public void Fill_LeftoverShorterThanTheRequest_WipedNeverHandedOutAndANewBlockDrawn()
    {
        var generator = new CountingGenerator();
        var block = new RandomBlock(generator.Draw, 64);
        var first = new byte[16];
        var second = new byte[16];

        for (var i = 0; i < 3; i++)
        {
            block.Fill(first);
        }

        block.Fill(new byte[10]);
        block.Fill(second);

        // Bytes 58..63 of the first block were too few for 16: nobody got them, and the second block starts at 64.
        Assert.Equal(Enumerable.Range(64, 16).Select(i => (byte)i), second);
        Assert.Equal(2, generator.Draws);
        Assert.All(block.Contents[..16].ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Fill_RequestLargerThanAQuarterBlock_DrawnOnItsOwnBlockUntouched()
    {
        var generator = new CountingGenerator();
        var block = new RandomBlock(generator.Draw, 64);
        block.Fill(new byte[4]);
        var before = block.Contents.ToArray();
        var large = new byte[17];

        block.Fill(large);

        Assert.Equal(Enumerable.Range(64, 17).Select(i => (byte)i), large);
        Assert.Equal(before, block.Contents.ToArray());
        Assert.Equal(2, generator.Draws);
    }

    [Fact]
    public void NextInt32_ValuesAboveTheRange_RedrawnUntilOneFits()
    {
        // maxExclusive 5: range 4, mask 7. The words 7, 6 and 5 mask to themselves and are refused, 13 masks to 5 and is
        // refused (that block is then used up, so a second one is drawn), 11 masks to 3 and is taken.
        var words = new Queue<uint>([7, 6, 5, 13, 11, 2, 0, 0]);
        var block = new RandomBlock(d => ScriptWords(words, d), 16);

        Assert.Equal(3, block.NextInt32(5));
        Assert.Empty(words);
    }

    [Fact]
    public void NextInt32_EveryMaskedValue_EachValueOfTheRangeOnceTheRestRefused()
    {
        // One block of the sixteen masked values 15, 14, ..., 0 (high bits set, which the mask drops): maxExclusive 10 refuses
        // 15..10 and then takes 9, 8, ..., 0, one each, using the block up exactly. No value is favoured.
        var words = new Queue<uint>(Enumerable.Range(0, 16).Reverse().Select(i => (uint)i | 0xABCD_0000u));
        var draws = 0;
        var block = new RandomBlock(d => { draws++; ScriptWords(words, d); }, 64);

        var taken = Enumerable.Range(0, 10).Select(_ => block.NextInt32(10)).ToList();

        Assert.Equal(Enumerable.Range(0, 10).Reverse(), taken);
        Assert.Equal(1, draws);
        Assert.All(block.Contents.ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void NextInt32_One_ZeroWithoutDrawing()
    {
        var generator = new CountingGenerator();

        Assert.Equal(0, new RandomBlock(generator.Draw, 64).NextInt32(1));
        Assert.Equal(0, generator.Draws);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void NextInt32_NotPositive_Throws(int maxExclusive)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomBlock(new CountingGenerator().Draw, 64).NextInt32(maxExclusive));
    }

    // The queue's words, little-endian, four bytes each, as far as the destination goes.
    private static void ScriptWords(Queue<uint> words, Span<byte> destination)
    {
        for (var at = 0; at + 4 <= destination.Length; at += 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[at..], words.TryDequeue(out var word) ? word : uint.MaxValue);
        }
    }
}
