using Recovery.AuthServer.Common;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Common;

public class RequestDeadlineTests
{
    [Fact]
    public void Remaining_NoBudgetSet_Null()
    {
        Assert.Null(new RequestDeadline(TestClock.Create()).Remaining);
    }

    [Fact]
    public void Remaining_TimePasses_Shrinks()
    {
        var time = TestClock.Create();
        var deadline = new RequestDeadline(time);
        using var _ = deadline.Begin(TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), deadline.Remaining);
    }

    [Fact]
    public async Task Remaining_AnotherAsyncFlow_DoesNotSeeThisBudget()
    {
        var deadline = new RequestDeadline(TestClock.Create());
        using var _ = deadline.Begin(TimeSpan.FromSeconds(1));

        var inner = await Task.Run(() =>
        {
            using var __ = deadline.Begin(null);
            return deadline.Remaining;
        });

        Assert.Null(inner);
        Assert.Equal(TimeSpan.FromSeconds(1), deadline.Remaining);
    }

    [Fact]
    public void Begin_Disposed_RestoresPrevious()
    {
        var deadline = new RequestDeadline(TestClock.Create());
        using (deadline.Begin(TimeSpan.FromSeconds(1)))
        {
            using (deadline.Begin(TimeSpan.FromSeconds(5)))
            {
                Assert.Equal(TimeSpan.FromSeconds(5), deadline.Remaining);
            }

            Assert.Equal(TimeSpan.FromSeconds(1), deadline.Remaining);
        }

        Assert.Null(deadline.Remaining);
    }
}
