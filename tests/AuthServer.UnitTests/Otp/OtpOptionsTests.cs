using System.ComponentModel.DataAnnotations;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.UnitTests.Otp;

public class OtpOptionsTests
{
    [Theory]
    [InlineData(0, true, 0)]
    [InlineData(30, true, 1)]
    [InlineData(120, true, 4)]
    [InlineData(45, false, 0)]
    [InlineData(150, false, 0)]
    public void Validate_TotpWindow_WholeStepsUpToTwoMinutes(int seconds, bool valid, int steps)
    {
        var options = new OtpOptions { TotpWindow = TimeSpan.FromSeconds(seconds) };

        var ok = Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true);

        Assert.Equal(valid, ok);
        if (valid)
        {
            Assert.Equal(steps, options.TotpWindowSteps);
        }
    }

    [Fact]
    public void Defaults_ThirtySecondsEachSideAndTheBanksIssuer()
    {
        var options = new OtpOptions();

        Assert.Equal((1, "Banca a Distancia"), (options.TotpWindowSteps, options.TotpIssuer));
    }
}
