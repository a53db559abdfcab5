using Recovery.AuthServer.Sessions;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

/// <summary>The ticket record's own rule; the stores' behaviour is the SessionStoreContract suite, run on both providers.</summary>
public class ChangeTicketTests
{
    [Fact]
    public void ExpiresAt_IsTheEarlierOfIdleAndAbsolute()
    {
        var ticket = new ChangeTicket
        {
            TokenHash = "t",
            CustomerId = "c",
            LastUsedAt = TestClock.Start,
            IdleTimeout = TimeSpan.FromMinutes(5),
            AbsoluteExpiresAt = TestClock.Start.AddMinutes(3),
        };

        Assert.Equal(TestClock.Start.AddMinutes(3), ticket.ExpiresAt);
        Assert.Equal(TestClock.Start.AddMinutes(5), (ticket with { AbsoluteExpiresAt = TestClock.Start.AddHours(1) }).ExpiresAt);
    }
}
