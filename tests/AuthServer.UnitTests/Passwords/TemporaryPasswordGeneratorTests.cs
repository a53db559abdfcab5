using Microsoft.Extensions.Options;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Passwords;

public class TemporaryPasswordGeneratorTests
{
    private const string LookAlikes = "0Oo1lI5S2Z8B";

    [Fact]
    public void Next_ManySamples_TwelveCharactersWithEveryClassAndNoLookAlikes()
    {
        var generator = new TemporaryPasswordGenerator(new SeededRandom(20261126));
        for (var i = 0; i < 2000; i++)
        {
            var password = generator.Next();

            Assert.Equal(12, password.Length);
            Assert.Contains(password, char.IsAsciiLetterUpper);
            Assert.Contains(password, char.IsAsciiLetterLower);
            Assert.Contains(password, char.IsAsciiDigit);
            Assert.Contains(password, c => TemporaryPasswordGenerator.Symbols.Contains(c, StringComparison.Ordinal));
            Assert.DoesNotContain(password, c => LookAlikes.Contains(c, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Alphabets_ContainNoLookAlikes()
    {
        var all = TemporaryPasswordGenerator.Upper + TemporaryPasswordGenerator.Lower + TemporaryPasswordGenerator.Digits + TemporaryPasswordGenerator.Symbols;

        Assert.DoesNotContain(all, c => LookAlikes.Contains(c, StringComparison.Ordinal));
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    [Fact]
    public void Next_ManySamples_PassThePasswordPolicy()
    {
        var policy = CommonPasswords.Policy();
        var generator = new TemporaryPasswordGenerator(new SeededRandom(42));
        var refused = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var password = generator.Next();
            var evaluation = policy.Evaluate(password, PersonalData.None);
            if (!evaluation.Acceptable)
            {
                refused.Add($"{password}: {string.Join(",", evaluation.FailedRequired)} ({evaluation.Strength})");
            }
        }

        Assert.Empty(refused);
    }

    [Fact]
    public void Next_RealRandom_DoesNotRepeat()
    {
        var generator = new TemporaryPasswordGenerator(new CryptoRandomSource());

        var samples = Enumerable.Range(0, 500).Select(_ => generator.Next()).ToList();

        Assert.Equal(samples.Count, samples.Distinct().Count());
    }

    [Fact]
    public void Next_GuaranteedClassesAreShuffled_NotAlwaysAtTheFront()
    {
        var generator = new TemporaryPasswordGenerator(new SeededRandom(7));

        var firstIsUpper = Enumerable.Range(0, 200).Count(_ => char.IsAsciiLetterUpper(generator.Next()[0]));

        Assert.InRange(firstIsUpper, 1, 150);
    }
}
