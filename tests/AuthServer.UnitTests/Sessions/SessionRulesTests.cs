using Recovery.AuthServer.Sessions;
using Recovery.AuthServer.SharedTests.Sessions;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Sessions;

/// <summary>The rows of <see cref="SessionRuleCases"/> on the pure functions, and the rules no store applies.</summary>
public sealed class SessionRulesTests
{
    public static TheoryData<string> Cases => SessionRuleCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rules_RuleCase_WorksAsTheTableSays(string name)
    {
        var c = SessionRuleCases.Named(name);

        Assert.Equal((c.Works, c.ProbeWorks), SessionRuleCases.OnRules(c));
    }

    [Theory]
    [InlineData(3L, 3L, true)]
    [InlineData(3L, 4L, false)]
    [InlineData(4L, 3L, false)]
    [InlineData(-1L, 0L, false)]
    public void IsAtVersion_IssuedAtAndCurrent_WorksOnlyWhenEqual(long issuedAt, long current, bool expected) =>
        Assert.Equal(expected, SessionRules.IsAtVersion(issuedAt, current));

    [Fact]
    public void IsAtVersion_NoCredentials_DoesNotWork() => Assert.False(SessionRules.IsAtVersion(0, null));

    [Fact]
    public void TicketExpiresAt_TheEarlierOfIdleAndCap()
    {
        Assert.Equal(TestClock.Start.AddMinutes(3), SessionRules.TicketExpiresAt(TestClock.Start, TimeSpan.FromMinutes(5), TestClock.Start.AddMinutes(3)));
        Assert.Equal(TestClock.Start.AddMinutes(5), SessionRules.TicketExpiresAt(TestClock.Start, TimeSpan.FromMinutes(5), TestClock.Start.AddHours(1)));
    }

    [Fact]
    public void TicketAndSessionHash_KeyedAndKindBound_NeverTheToken()
    {
        var keys = TestKeys.Create();

        var ticket = SessionTokens.TicketHash(keys, "token");

        Assert.DoesNotContain("token", ticket, StringComparison.Ordinal);
        Assert.NotEqual(ticket, SessionTokens.SessionHash(keys, "token"));
        Assert.NotEqual(ticket, SessionTokens.TicketHash(TestKeys.Create(codeKey: 9), "token"));
        Assert.Equal(ticket, SessionTokens.TicketHash(TestKeys.Create(), "token"));
    }
}
