using Recovery.AuthServer.Identity;

namespace Recovery.AuthServer.UnitTests.Identity;

public class IdentityDocumentTests
{
    [Theory]
    [InlineData("12345678Z", "12345678Z")]
    [InlineData("12345678z", "12345678Z")]
    [InlineData("12345678-Z", "12345678Z")]
    [InlineData("12.345.678-Z", "12345678Z")]
    [InlineData(" 12345678 Z ", "12345678Z")]
    [InlineData("00000000T", "00000000T")]
    public void Normalize_ValidDni_ReturnsUpperCaseWithoutSeparators(string input, string expected)
    {
        Assert.Equal(expected, IdentityDocument.Normalize(input));
    }

    [Theory]
    [InlineData("12345678A")]
    [InlineData("12345678T")]
    [InlineData("00000000R")]
    public void Normalize_DniWithWrongCheckLetter_ReturnsNull(string input)
    {
        Assert.Null(IdentityDocument.Normalize(input));
    }

    [Theory]
    [InlineData("X1234567L", "X1234567L")]
    [InlineData("x1234567l", "X1234567L")]
    [InlineData("X-1234567-L", "X1234567L")]
    [InlineData("Y1234567X", "Y1234567X")]
    [InlineData("Z1234567R", "Z1234567R")]
    public void Normalize_ValidNie_ReturnsUpperCaseWithoutSeparators(string input, string expected)
    {
        Assert.Equal(expected, IdentityDocument.Normalize(input));
    }

    [Theory]
    [InlineData("X1234567A")]
    [InlineData("Y1234567L")]
    [InlineData("Z1234567L")]
    public void Normalize_NieWithWrongCheckLetter_ReturnsNull(string input)
    {
        Assert.Null(IdentityDocument.Normalize(input));
    }

    [Theory]
    [InlineData("AB123456", "AB123456")]
    [InlineData("pa-123 456", "PA123456")]
    [InlineData("XDA123456789", "XDA123456789")]
    [InlineData("A12345", "A12345")]
    public void Normalize_Passport_ReturnsUpperCaseWithoutSeparators(string input, string expected)
    {
        Assert.Equal(expected, IdentityDocument.Normalize(input));
    }

    [Theory]
    [InlineData("ABCDEFGH")] // no digit
    [InlineData("A1234")] // too short
    [InlineData("ABC1234567890")] // 13: too long
    [InlineData("12345678Ñ")]
    [InlineData("12345678")] // a DNI without its check letter is not taken for a passport
    [InlineData("1234/5678")]
    [InlineData("'; DROP TABLE--")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-.-")]
    [InlineData(null)]
    public void Normalize_Junk_ReturnsNull(string? input)
    {
        Assert.Null(IdentityDocument.Normalize(input));
    }

    [Fact]
    public void Normalize_LongerThan32Characters_ReturnsNull()
    {
        Assert.Null(IdentityDocument.Normalize("12345678Z" + new string(' ', 24)));
        Assert.Equal("12345678Z", IdentityDocument.Normalize("12345678Z" + new string(' ', 23)));
    }

    [Theory]
    [InlineData("12345678Z", true)]
    [InlineData("12345678A", false)]
    [InlineData("X1234567L", true)]
    [InlineData("X1234567T", false)]
    [InlineData("AB123456", false)]
    public void HasValidCheckLetter_ReturnsWhetherTheLetterMatches(string document, bool expected)
    {
        Assert.Equal(expected, IdentityDocument.HasValidCheckLetter(document));
    }

    [Theory]
    [InlineData(12345678, "12345678Z")]
    [InlineData(0, "00000000T")]
    [InlineData(99999999, "99999999R")]
    public void Dni_NumberGetsItsCheckLetterAndNormalizesToItself(int number, string expected)
    {
        Assert.Equal(expected, IdentityDocument.Dni(number));
        Assert.Equal(expected, IdentityDocument.Normalize(expected));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100_000_000)]
    public void Dni_OutOfRange_Throws(int number)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IdentityDocument.Dni(number));
    }
}
