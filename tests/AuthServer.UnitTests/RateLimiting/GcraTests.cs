using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.SharedTests.RateLimiting;

namespace Recovery.AuthServer.UnitTests.RateLimiting;

/// <summary>
/// <see cref="Gcra.Acquire"/>: every row of <see cref="GcraCases"/> (the same rows run on both providers), then what
/// only the function shows: the arrival times it hands back to store.
/// </summary>
public class GcraTests
{
    private static readonly RateLimitRule ThreePerMinute = RateLimitRule.Of(3, TimeSpan.FromMinutes(1));
    private static readonly long Now = Gcra.Micros(GcraCases.Start);

    public static TheoryData<string> Cases => GcraCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Acquire_GcraCase_AnswersAsTheTableSays(string name)
    {
        var c = GcraCases.Named(name);

        GcraCases.AssertAnswers(c, GcraCases.OnFunction(c));
    }

    [Fact]
    public void Refund_PendingArrivalTimes_EachBackOneIntervalOrWhole()
    {
        var refunded = Gcra.Refund([Now + 60_000_000, Now + 20_000_000, Now + 10_000_000], Now, [ThreePerMinute, ThreePerMinute, ThreePerMinute]);

        Assert.Equal([Now + 40_000_000, null, null], refunded);
    }

    [Fact]
    public void Refund_AbsentOrPassedArrivalTime_NothingToStore()
    {
        var refunded = Gcra.Refund([null, Now, Now - 3_600_000_000], Now, [ThreePerMinute, ThreePerMinute, ThreePerMinute]);

        Assert.Equal([null, null, null], refunded);
    }

    [Fact]
    public void Acquire_EmptyBucket_StoresArrivalOneIntervalAhead()
    {
        var decision = Gcra.Acquire([null], Now, [ThreePerMinute]);

        Assert.True(decision.IsAllowed);
        Assert.Equal([Now + 20_000_000], decision.NewTats);
        Assert.Equal(TimeSpan.Zero, decision.RetryAfter);
    }

    [Fact]
    public void Acquire_ArrivalTimeInThePast_TreatedAsEmpty()
    {
        var decision = Gcra.Acquire([Now - 3_600_000_000], Now, [ThreePerMinute]);

        Assert.Equal([Now + 20_000_000], decision.NewTats);
    }

    [Fact]
    public void Acquire_PendingArrivalTime_StoresItOneIntervalLater()
    {
        var decision = Gcra.Acquire([Now + 20_000_000, null], Now, [ThreePerMinute, ThreePerMinute]);

        Assert.Equal([Now + 40_000_000, Now + 20_000_000], decision.NewTats);
    }

    [Fact]
    public void Acquire_SecondBucketRefuses_ItsIndexAndNothingToStore()
    {
        var decision = Gcra.Acquire([null, Now + 60_000_000], Now, [ThreePerMinute, ThreePerMinute]);

        Assert.False(decision.IsAllowed);
        Assert.Equal(1, decision.RefusedBy);
        Assert.Equal(TimeSpan.FromSeconds(20), decision.RetryAfter);
        Assert.Empty(decision.NewTats);
    }

    [Fact]
    public void Acquire_ARuleMissing_Throws()
    {
        Assert.Throws<ArgumentException>(() => Gcra.Acquire([null, null], Now, [ThreePerMinute]));
    }

    [Fact]
    public void IntervalMicros_PeriodNotAMultipleOfTheLimit_RoundedDown()
    {
        Assert.Equal(333_333, Gcra.IntervalMicros(RateLimitRule.Of(3, TimeSpan.FromSeconds(1))));
        Assert.Equal(514_285_714, Gcra.IntervalMicros(RateLimitRule.Of(7, TimeSpan.FromHours(1))));
    }
}
