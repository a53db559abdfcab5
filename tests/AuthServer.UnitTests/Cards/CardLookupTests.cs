using Recovery.AuthServer.Cards;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Cards;

public class CardLookupTests
{
    private const string Pan = "4548812044110335";

    [Fact]
    public void HashOf_SamePanTwice_ReturnsSameHash()
    {
        var lookup = new CardLookup(TestKeys.Create());

        Assert.Equal(lookup.HashOf(Pan), new CardLookup(TestKeys.Create()).HashOf(Pan));
    }

    [Fact]
    public void HashOf_DifferentPans_ReturnDifferentHashes()
    {
        var lookup = new CardLookup(TestKeys.Create());

        Assert.NotEqual(lookup.HashOf(Pan), lookup.HashOf("5403751077331015"));
    }

    [Fact]
    public void HashOf_DifferentKey_ReturnsDifferentHash()
    {
        var a = new CardLookup(TestKeys.Create(cardKey: 1));
        var b = new CardLookup(TestKeys.Create(cardKey: 9));

        Assert.NotEqual(a.HashOf(Pan), b.HashOf(Pan));
    }

    [Fact]
    public void HashOf_DoesNotDependOnTheOtherKeys()
    {
        var a = new CardLookup(TestKeys.Create(codeKey: 2, pepper: 3));
        var b = new CardLookup(TestKeys.Create(codeKey: 7, pepper: 8));

        Assert.Equal(a.HashOf(Pan), b.HashOf(Pan));
    }

    [Fact]
    public void HashOf_IsLowerHexSha256WithoutThePan()
    {
        var hash = new CardLookup(TestKeys.Create()).HashOf(Pan);

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.DoesNotContain(Pan, hash, StringComparison.Ordinal);
        Assert.DoesNotContain(Pan[..6], hash, StringComparison.Ordinal);
        Assert.DoesNotContain(Pan[^4..], hash, StringComparison.Ordinal);
    }

    [Fact]
    public void HashOf_IsNotAPlainSha256OfThePan()
    {
        var plain = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Pan)));

        Assert.NotEqual(plain, new CardLookup(TestKeys.Create()).HashOf(Pan));
    }
}
