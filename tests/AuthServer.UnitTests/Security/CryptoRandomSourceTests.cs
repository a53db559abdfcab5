using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.UnitTests.Security;

/// <summary>The production source: the OS generator through a block per thread (RandomBlockTests pins the block itself).</summary>
public sealed class CryptoRandomSourceTests
{
    [Fact]
    public async Task Fill_ManyThreads_NoTwoTokensAlike()
    {
        // A byte handed out twice, or one block shared by two threads, would repeat a 16-byte token; 16,000 of them from
        // eight threads, crossing many block refills, never repeat when every byte is the generator's once.
        var source = new CryptoRandomSource();
        var perThread = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            var tokens = new List<string>();
            for (var i = 0; i < 2_000; i++)
            {
                tokens.Add(Tokens.New(source));
            }

            return tokens;
        })).ToArray()).WaitAsync(TimeSpan.FromSeconds(30));

        var all = perThread.SelectMany(t => t).ToList();
        Assert.Equal(16_000, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void Fill_LargerThanABlockQuarter_AllBytesRandom()
    {
        var source = new CryptoRandomSource();
        var a = new byte[4096];
        var b = new byte[4096];

        source.Fill(a);
        source.Fill(b);

        Assert.NotEqual(a, b);
        Assert.True(a.Distinct().Count() > 200, "4 KiB of generator output uses nearly every byte value.");
    }

    [Fact]
    public void NextInt32_SmallRange_EveryValueWithinRangeAndEachDrawn()
    {
        // 6,000 draws from [0, 6): each value is missed with probability 6 * (5/6)^6000, far below anything observable.
        var source = new CryptoRandomSource();

        var values = Enumerable.Range(0, 6_000).Select(_ => source.NextInt32(6)).ToList();

        Assert.All(values, v => Assert.InRange(v, 0, 5));
        Assert.Equal(Enumerable.Range(0, 6), values.Distinct().Order());
    }
}
