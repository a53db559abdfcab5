using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Sessions;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="ISessionStore"/> provider must do; run once per provider by a sealed subclass.</summary>
public abstract class SessionStoreContract
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);

    private readonly object storeGate = new();
    private ISessionStore? store;

    protected FakeTimeProvider Time { get; } = new(Start);

    // Created on first use (a subclass's fields are not ready in this constructor), once even when a
    // test's first touch is from many threads at once.
    protected ISessionStore Store
    {
        get
        {
            lock (storeGate)
            {
                return store ??= CreateStore(Time);
            }
        }
    }

    protected DateTimeOffset Now => Time.GetUtcNow();

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract ISessionStore CreateStore(TimeProvider time);

    protected Task CreateTicket(string hash = "t-1", TimeSpan? absolute = null) => Store.CreateTicketAsync(
        new ChangeTicket
        {
            TokenHash = hash,
            CustomerId = "c-1",
            LastUsedAt = Now,
            IdleTimeout = Idle,
            AbsoluteExpiresAt = Now + (absolute ?? TimeSpan.FromMinutes(30)),
        },
        Ct).Within();

    [Fact]
    public async Task TouchTicketAsync_WithinIdleTimeout_ReturnsTicketAndRestartsTimer()
    {
        await CreateTicket();
        Time.Advance(TimeSpan.FromMinutes(4));

        var touched = await Store.TouchTicketAsync("t-1", Now, Ct).Within();

        Assert.Equal(
            new ChangeTicket { TokenHash = "t-1", CustomerId = "c-1", LastUsedAt = Now, IdleTimeout = Idle, AbsoluteExpiresAt = Start.AddMinutes(30) },
            touched);
        Assert.Equal(Now + Idle, touched!.ExpiresAt);
    }

    [Fact]
    public async Task TouchTicketAsync_AtIdleTimeout_NullAndGone()
    {
        await CreateTicket();
        Time.Advance(Idle);

        Assert.Null(await Store.TouchTicketAsync("t-1", Now, Ct).Within());
        Assert.Null(await Store.TouchTicketAsync("t-1", Now - TimeSpan.FromMinutes(1), Ct).Within());
    }

    [Fact]
    public async Task TouchTicketAsync_TouchedBeforeTimeout_ExtendsPastTheOriginalDeadline()
    {
        await CreateTicket();
        Time.Advance(TimeSpan.FromMinutes(4));
        await Store.TouchTicketAsync("t-1", Now, Ct).Within();

        Time.Advance(TimeSpan.FromMinutes(4)); // 8 minutes after creation, 4 after the touch
        Assert.NotNull(await Store.TouchTicketAsync("t-1", Now, Ct).Within());

        Time.Advance(Idle);
        Assert.Null(await Store.TouchTicketAsync("t-1", Now, Ct).Within());
    }

    [Fact]
    public async Task TouchTicketAsync_KeptActive_EndsAtTheAbsoluteCap()
    {
        await CreateTicket(absolute: TimeSpan.FromMinutes(15));
        for (var i = 0; i < 3; i++)
        {
            Time.Advance(TimeSpan.FromMinutes(4));
            Assert.NotNull(await Store.TouchTicketAsync("t-1", Now, Ct).Within()); // 4, 8, 12 minutes
        }

        Time.Advance(TimeSpan.FromMinutes(2)); // 14: still inside both limits
        var last = await Store.TouchTicketAsync("t-1", Now, Ct).Within();
        Assert.Equal(Start.AddMinutes(15), last!.ExpiresAt);

        Time.Advance(TimeSpan.FromMinutes(1)); // 15: idle would allow it, the cap does not
        Assert.Null(await Store.TouchTicketAsync("t-1", Now, Ct).Within());
    }

    [Fact]
    public async Task TouchTicketAsync_InParallel_AllSeeTheTicketAndItStaysUsable()
    {
        await CreateTicket();
        Time.Advance(TimeSpan.FromMinutes(4));

        var touched = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Store.TouchTicketAsync("t-1", Now, Ct)))).Within();

        Assert.All(touched, t => Assert.Equal(Now + Idle, t!.ExpiresAt));
        Time.Advance(TimeSpan.FromMinutes(4));
        Assert.NotNull(await Store.TouchTicketAsync("t-1", Now, Ct).Within());
    }

    [Fact]
    public async Task RevokeTicketAsync_TicketNoLongerUsableOthersUnaffected()
    {
        await CreateTicket("t-1");
        await CreateTicket("t-2");

        await Store.RevokeTicketAsync("t-1", Ct).Within();

        Assert.Null(await Store.TouchTicketAsync("t-1", Now, Ct).Within());
        Assert.NotNull(await Store.TouchTicketAsync("t-2", Now, Ct).Within());
    }

    [Fact]
    public async Task RevokeSessionAsync_SessionGoneOthersUnaffected()
    {
        await Store.CreateSessionAsync(new SessionRecord("s-1", "c-1", Now.AddMinutes(10)), Ct).Within();
        await Store.CreateSessionAsync(new SessionRecord("s-2", "c-1", Now.AddMinutes(10)), Ct).Within();

        await Store.RevokeSessionAsync("s-1", Ct).Within();

        Assert.Null(await Store.GetSessionAsync("s-1", Now, Ct).Within());
        Assert.NotNull(await Store.GetSessionAsync("s-2", Now, Ct).Within());
    }

    [Fact]
    public async Task TouchTicketAsync_Unknown_Null()
    {
        Assert.Null(await Store.TouchTicketAsync("nope", Now, Ct).Within());
    }

    [Fact]
    public async Task GetSessionAsync_BeforeAndAfterExpiry()
    {
        await Store.CreateSessionAsync(new SessionRecord("s-1", "c-1", Now.AddMinutes(10)), Ct).Within();

        Assert.Equal(new SessionRecord("s-1", "c-1", Start.AddMinutes(10)), await Store.GetSessionAsync("s-1", Now.AddMinutes(9), Ct).Within());
        Assert.Null(await Store.GetSessionAsync("s-1", Now.AddMinutes(10), Ct).Within());
        Assert.Null(await Store.GetSessionAsync("nope", Now, Ct).Within());
    }
}
