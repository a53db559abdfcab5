using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.RateLimiting;

public class GcraTests
{
    private static readonly RateLimitRule ThreePerMinute = RateLimitRule.Of(3, TimeSpan.FromMinutes(1));
    private static readonly long Now = TestClock.Start.UtcTicks;

    [Fact]
    public void Check_EmptyBucket_AllowsAndSetsArrivalOneIntervalAhead()
    {
        var (tat, retry) = Gcra.Check(null, Now, ThreePerMinute);

        Assert.Equal(Now + TimeSpan.FromSeconds(20).Ticks, tat);
        Assert.Equal(TimeSpan.Zero, retry);
    }

    [Fact]
    public void Check_LimitCallsAtOnce_AllowedThenRefusedForOneInterval()
    {
        long? tat = null;
        for (var i = 0; i < 3; i++)
        {
            (tat, _) = Gcra.Check(tat, Now, ThreePerMinute);
            Assert.NotNull(tat);
        }

        var (refused, retry) = Gcra.Check(tat, Now, ThreePerMinute);

        Assert.Null(refused);
        Assert.Equal(TimeSpan.FromSeconds(20), retry);
    }

    [Fact]
    public void Check_AfterRetryAfter_AllowedAgain()
    {
        long? tat = null;
        for (var i = 0; i < 3; i++)
        {
            (tat, _) = Gcra.Check(tat, Now, ThreePerMinute);
        }

        var later = Now + TimeSpan.FromSeconds(20).Ticks;

        Assert.Null(Gcra.Check(tat, later - 1, ThreePerMinute).NewTatTicks);
        Assert.NotNull(Gcra.Check(tat, later, ThreePerMinute).NewTatTicks);
    }

    [Fact]
    public void Check_StaleArrivalTimeInThePast_TreatedAsEmpty()
    {
        var (tat, _) = Gcra.Check(Now - TimeSpan.FromHours(1).Ticks, Now, ThreePerMinute);

        Assert.Equal(Now + TimeSpan.FromSeconds(20).Ticks, tat);
    }
}
