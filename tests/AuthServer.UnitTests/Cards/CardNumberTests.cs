using Recovery.AuthServer.Cards;

namespace Recovery.AuthServer.UnitTests.Cards;

public class CardNumberTests
{
    [Theory]
    [InlineData("4548812044110335", "4548812044110335")]
    [InlineData("4548 8120 4411 0335", "4548812044110335")]
    [InlineData("4548-8120-4411-0335", "4548812044110335")]
    [InlineData(" 4548 - 8120 - 4411 - 0335 ", "4548812044110335")]
    [InlineData("", "")]
    public void Normalize_DigitsWithSpacesOrDashes_ReturnsDigitsOnly(string input, string expected)
    {
        Assert.Equal(expected, CardNumber.Normalize(input));
    }

    [Theory]
    [InlineData("4548812044110335a")]
    [InlineData("4548.8120.4411.0335")]
    [InlineData("4548/8120/4411/0335")]
    [InlineData("４５４８８１２０４４１１０３３５")] // full-width digits are not ASCII digits
    [InlineData("4548\t8120")]
    public void Normalize_AnythingButDigitsSpacesDashes_ReturnsNull(string input)
    {
        Assert.Null(CardNumber.Normalize(input));
    }

    [Fact]
    public void Normalize_Null_ReturnsNull()
    {
        Assert.Null(CardNumber.Normalize(null));
    }

    [Fact]
    public void Normalize_FortyCharacters_IsAccepted()
    {
        var input = "4548812044110335" + new string(' ', 24);
        Assert.Equal(40, input.Length);

        Assert.Equal("4548812044110335", CardNumber.Normalize(input));
    }

    [Fact]
    public void Normalize_MoreThanFortyCharacters_ReturnsNull()
    {
        var input = "4548812044110335" + new string(' ', 25);
        Assert.Equal(41, input.Length);

        Assert.Null(CardNumber.Normalize(input));
    }

    [Fact]
    public void Normalize_FortyOneDigits_ReturnsNullWithoutOverflowingTheBuffer()
    {
        Assert.Null(CardNumber.Normalize(new string('4', 41)));
    }

    [Theory]
    [InlineData("4548812044110335")]
    [InlineData("5403751077331015")]
    [InlineData("4917610000123455")]
    [InlineData("378282246310005")]
    [InlineData("4222222222222")]
    public void PassesLuhn_ValidCard_ReturnsTrue(string digits)
    {
        Assert.True(CardNumber.PassesLuhn(digits));
    }

    [Theory]
    [InlineData("4548812044110336")] // last digit changed
    [InlineData("4548812044110345")] // a middle digit changed
    [InlineData("5403751077331016")]
    [InlineData("4917610000123456")]
    [InlineData("5548812044110335")] // first digit changed
    public void PassesLuhn_OneDigitChanged_ReturnsFalse(string digits)
    {
        Assert.False(CardNumber.PassesLuhn(digits));
    }

    [Fact]
    public void PassesLuhn_EveryOneDigitChangeOfADemoCard_ReturnsFalse()
    {
        const string card = "4548812044110335";
        for (var i = 0; i < card.Length; i++)
        {
            for (var d = '0'; d <= '9'; d++)
            {
                if (d == card[i])
                {
                    continue;
                }

                var changed = card[..i] + d + card[(i + 1)..];
                Assert.False(CardNumber.PassesLuhn(changed), changed);
            }
        }
    }

    [Fact]
    public void PassesLuhn_Empty_ReturnsFalse()
    {
        Assert.False(CardNumber.PassesLuhn(string.Empty));
    }

    [Theory]
    [InlineData("454881204411033", "4548812044110335")]
    [InlineData("540375107733101", "5403751077331015")]
    [InlineData("491761000012345", "4917610000123455")]
    public void WithCheckDigit_DemoCardBodies_GiveTheDemoCards(string body, string card)
    {
        Assert.Equal(card, CardNumber.WithCheckDigit(body));
    }

    [Fact]
    public void WithCheckDigit_NotDigits_Throws()
    {
        Assert.Throws<ArgumentException>(() => CardNumber.WithCheckDigit("4548x"));
    }
}
