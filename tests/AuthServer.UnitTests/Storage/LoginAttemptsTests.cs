using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.UnitTests.Storage;

public class LoginAttemptsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Begin_FailuresPlusTriesUnderWayAtMax_ExhaustedWithoutTaking()
    {
        var c = LoginCounter.Empty with { Failed = 3 };
        (c, var first) = LoginAttempts.Begin(c, Now, 5, "a", Now.AddMinutes(2));
        (c, var second) = LoginAttempts.Begin(c, Now, 5, "b", Now.AddMinutes(2));
        (c, var third) = LoginAttempts.Begin(c, Now, 5, "c", Now.AddMinutes(2));

        Assert.Equal([LoginTryStatus.Taken, LoginTryStatus.Taken, LoginTryStatus.Exhausted], new[] { first.Status, second.Status, third.Status });
        Assert.Equal(2, c.Tries.Count);
    }

    [Fact]
    public void Succeed_ClearsOnlyFailuresCountedBeforeItsTry()
    {
        var c = LoginCounter.Empty with { Failed = 2 };
        (c, var right) = LoginAttempts.Begin(c, Now, 5, "right", Now.AddMinutes(2));
        (c, _) = LoginAttempts.Begin(c, Now, 5, "wrong", Now.AddMinutes(2));
        (c, _) = LoginAttempts.Fail(c, "wrong", 5);

        (c, var granted) = LoginAttempts.Succeed(c, "right", right.FailedBefore);

        Assert.True(granted);
        Assert.Equal(1, c.Failed); // the failure that ran beside it stays
        Assert.Empty(c.Tries);
    }

    [Fact]
    public void Succeed_Blocked_NotGranted()
    {
        var c = LoginCounter.Empty with { Blocked = true, Failed = 5 };

        var (after, granted) = LoginAttempts.Succeed(c, "t", 0);

        Assert.False(granted);
        Assert.Equal((true, 5), (after.Blocked, after.Failed));
    }

    [Fact]
    public void Begin_LapsedLeases_CountedAsFailuresAndCanBlock()
    {
        var c = LoginCounter.Empty with { Failed = 3 };
        (c, _) = LoginAttempts.Begin(c, Now, 5, "a", Now.AddMinutes(2));
        (c, _) = LoginAttempts.Begin(c, Now, 5, "b", Now.AddMinutes(2));

        var (after, start) = LoginAttempts.Begin(c, Now.AddMinutes(2), 5, "c", Now.AddMinutes(4));

        Assert.Equal(LoginTryStatus.Blocked, start.Status);
        Assert.Equal((true, 5), (after.Blocked, after.Failed));
        Assert.Equal(5, LoginAttempts.Fail(after, "a", 5).Failure.FailedLogins); // not counted twice
    }
}
