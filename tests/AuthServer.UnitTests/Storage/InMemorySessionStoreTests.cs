using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

public class InMemorySessionStoreTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemorySessionStore store;
    private readonly CancellationToken ct = CancellationToken.None;

    public InMemorySessionStoreTests() => store = new InMemorySessionStore(time);

    private DateTimeOffset Now => time.GetUtcNow();

    private Task CreateTicket(string hash = "t-1", TimeSpan? absolute = null) => store.CreateTicketAsync(
        new ChangeTicket
        {
            TokenHash = hash,
            CustomerId = "c-1",
            LastUsedAt = Now,
            IdleTimeout = Idle,
            AbsoluteExpiresAt = Now + (absolute ?? TimeSpan.FromMinutes(30)),
        },
        ct);

    [Fact]
    public async Task TouchTicketAsync_WithinIdleTimeout_ReturnsTicketAndRestartsTimer()
    {
        await CreateTicket();
        time.Advance(TimeSpan.FromMinutes(4));

        var touched = await store.TouchTicketAsync("t-1", Now, ct);

        Assert.NotNull(touched);
        Assert.Equal("c-1", touched.CustomerId);
        Assert.Equal(Now, touched.LastUsedAt);
        Assert.Equal(Now + Idle, touched.ExpiresAt);
    }

    [Fact]
    public async Task TouchTicketAsync_AtIdleTimeout_NullAndGone()
    {
        await CreateTicket();
        time.Advance(Idle);

        Assert.Null(await store.TouchTicketAsync("t-1", Now, ct));
        Assert.Null(await store.TouchTicketAsync("t-1", Now - TimeSpan.FromMinutes(1), ct));
    }

    [Fact]
    public async Task TouchTicketAsync_TouchedBeforeTimeout_ExtendsPastTheOriginalDeadline()
    {
        await CreateTicket();
        time.Advance(TimeSpan.FromMinutes(4));
        await store.TouchTicketAsync("t-1", Now, ct);

        time.Advance(TimeSpan.FromMinutes(4)); // 8 minutes after creation, 4 after the touch
        Assert.NotNull(await store.TouchTicketAsync("t-1", Now, ct));

        time.Advance(Idle);
        Assert.Null(await store.TouchTicketAsync("t-1", Now, ct));
    }

    [Fact]
    public async Task TouchTicketAsync_KeptActive_EndsAtTheAbsoluteCap()
    {
        await CreateTicket(absolute: TimeSpan.FromMinutes(15));
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromMinutes(4));
            Assert.NotNull(await store.TouchTicketAsync("t-1", Now, ct)); // 4, 8, 12 minutes
        }

        time.Advance(TimeSpan.FromMinutes(2)); // 14: still inside both limits
        var last = await store.TouchTicketAsync("t-1", Now, ct);
        Assert.Equal(TestClock.Start.AddMinutes(15), last!.ExpiresAt);

        time.Advance(TimeSpan.FromMinutes(1)); // 15: idle would allow it, the cap does not
        Assert.Null(await store.TouchTicketAsync("t-1", Now, ct));
    }

    [Fact]
    public async Task RevokeTicketAsync_TicketNoLongerUsable()
    {
        await CreateTicket();

        await store.RevokeTicketAsync("t-1", ct);

        Assert.Null(await store.TouchTicketAsync("t-1", Now, ct));
    }

    [Fact]
    public async Task RevokeTicketAsync_OtherTicketsUnaffected()
    {
        await CreateTicket("t-1");
        await CreateTicket("t-2");

        await store.RevokeTicketAsync("t-1", ct);

        Assert.NotNull(await store.TouchTicketAsync("t-2", Now, ct));
    }

    [Fact]
    public async Task TouchTicketAsync_Unknown_Null()
    {
        Assert.Null(await store.TouchTicketAsync("nope", Now, ct));
    }

    [Fact]
    public async Task GetSessionAsync_BeforeAndAfterExpiry()
    {
        await store.CreateSessionAsync(new SessionRecord("s-1", "c-1", Now.AddMinutes(10)), ct);

        Assert.Equal("c-1", (await store.GetSessionAsync("s-1", Now.AddMinutes(9), ct))!.CustomerId);
        Assert.Null(await store.GetSessionAsync("s-1", Now.AddMinutes(10), ct));
        Assert.Null(await store.GetSessionAsync("nope", Now, ct));
    }

    [Fact]
    public void ChangeTicketExpiresAt_IsTheEarlierOfIdleAndAbsolute()
    {
        var ticket = new ChangeTicket
        {
            TokenHash = "t",
            CustomerId = "c",
            LastUsedAt = TestClock.Start,
            IdleTimeout = Idle,
            AbsoluteExpiresAt = TestClock.Start.AddMinutes(3),
        };

        Assert.Equal(TestClock.Start.AddMinutes(3), ticket.ExpiresAt);
        Assert.Equal(TestClock.Start.AddMinutes(5), (ticket with { AbsoluteExpiresAt = TestClock.Start.AddHours(1) }).ExpiresAt);
    }
}
