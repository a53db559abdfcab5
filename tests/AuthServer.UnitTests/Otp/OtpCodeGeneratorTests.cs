using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Otp;

public class OtpCodeGeneratorTests
{
    [Theory]
    [InlineData(6, 1_000_000)]
    [InlineData(7, 10_000_000)]
    [InlineData(8, 100_000_000)]
    public void Next_Digits_DrawsUniformlyFromTheWholeRange(int digits, int bound)
    {
        var random = new ScriptedRandom(5);

        new OtpCodeGenerator(random).Next(digits);

        Assert.Equal([bound], random.RequestedBounds);
    }

    [Theory]
    [InlineData(42, 6, "000042")]
    [InlineData(0, 6, "000000")]
    [InlineData(999_999, 6, "999999")]
    [InlineData(7, 8, "00000007")]
    [InlineData(12_345_678, 8, "12345678")]
    public void Next_SmallValue_KeepsLeadingZeros(int drawn, int digits, string expected)
    {
        Assert.Equal(expected, new OtpCodeGenerator(new ScriptedRandom(drawn)).Next(digits));
    }

    [Fact]
    public void Next_RealRandom_ReturnsDigitsOfTheRequestedLength()
    {
        var generator = new OtpCodeGenerator(new CryptoRandomSource());
        var codes = Enumerable.Range(0, 200).Select(_ => generator.Next(6)).ToList();

        Assert.All(codes, c => Assert.Matches("^[0-9]{6}$", c));
        Assert.True(codes.Distinct().Count() > 190, "200 random 6-digit codes should almost never collide.");
    }
}
