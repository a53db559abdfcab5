using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.UnitTests.Common;

public class MaskingTests
{
    [Theory]
    [InlineData("sbarrios@ebcc.es", "sb*****@ebcc.es")]
    [InlineData("ab@ebcc.es", "a*****@ebcc.es")]
    [InlineData("a@ebcc.es", "a*****@ebcc.es")]
    [InlineData("sergio.barrios.gomez@ebcc.es", "se*****@ebcc.es")]
    [InlineData("no-at-sign", "*****")]
    [InlineData("@ebcc.es", "*****")]
    public void Email_MasksLocalPartWithFixedStars(string email, string expected)
    {
        Assert.Equal(expected, Masking.Email(email));
    }

    [Fact]
    public void Email_StarCountDoesNotRevealLength()
    {
        Assert.Equal(Masking.Email("sb@x.es").Length, Masking.Email("s@x.es").Length);
        Assert.Equal(Masking.Email("sbarrios@x.es").Length, Masking.Email("sbarriosgomezlopez@x.es").Length);
    }

    [Theory]
    [InlineData("+34612345331", "+34 - 6*****331")]
    [InlineData("+34 612 345 331", "+34 - 6*****331")]
    [InlineData("+34655123032", "+34 - 6*****032")]
    [InlineData("612345331", "6*****331")]
    [InlineData("+1", "*****")]
    public void Phone_MasksAsTheSeedShows(string phone, string expected)
    {
        Assert.Equal(expected, Masking.Phone(phone));
    }

    [Theory]
    [InlineData("+34655123032", "032")]
    [InlineData("+34612345331", "331")]
    [InlineData("+34 655 123 032", "032")]
    [InlineData("12", "12")]
    public void PhoneLastDigits_ReturnsLastThreeDigits(string phone, string expected)
    {
        Assert.Equal(expected, Masking.PhoneLastDigits(phone));
    }

    [Theory]
    [InlineData("4548812044110335", "454881******0335")]
    [InlineData("4222222222222", "422222***2222")]
    [InlineData("4548812044110335123", "454881*********5123")]
    [InlineData("454881204411", "****")]
    public void Pan_ShowsFirstSixAndLastFour(string digits, string expected)
    {
        Assert.Equal(expected, Masking.Pan(digits));
    }
}
