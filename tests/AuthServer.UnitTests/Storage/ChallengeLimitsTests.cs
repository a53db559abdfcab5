using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.UnitTests.Storage;

public class ChallengeLimitsTests
{
    [Fact]
    public void CooldownAfter_DefaultGrowth_AlwaysTheConfiguredCooldown()
    {
        var limits = ChallengeLimits.From(new OtpOptions());

        Assert.All(Enumerable.Range(0, 4), k => Assert.Equal(TimeSpan.FromSeconds(30), limits.CooldownAfter(k)));
    }

    [Fact]
    public void CooldownAfter_GrowthTwo_DoublesPerResendUpToAnHour()
    {
        var limits = ChallengeLimits.From(new OtpOptions { ResendCooldownGrowth = 2 });

        Assert.Equal(
            [TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(240)],
            Enumerable.Range(0, 4).Select(limits.CooldownAfter));
        Assert.Equal(TimeSpan.FromHours(1), (limits with { ResendCooldownGrowth = 4 }).CooldownAfter(10));
    }
}
