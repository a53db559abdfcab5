using Recovery.AuthServer.Sessions;

namespace Recovery.AuthServer.SharedTests.Sessions;

/// <summary>
/// The table of <see cref="SessionRules"/> (ticket idle limit and cap, session end): every row runs on the pure
/// functions (UnitTests, <c>SessionRulesTests</c>), on the in-memory store (UnitTests) and on Redis
/// (IntegrationTests), through <see cref="SessionRuleContract"/>.
/// </summary>
internal static class SessionRuleCases
{
    public const string Hash = "token-hash";

    public static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    public static IReadOnlyList<SessionRuleCase> All { get; } =
    [
        new("ticket/used within the idle limit: works, and the idle timer restarts", Idle, Cap, Idle - Second, true, Idle + Idle - (2 * Second), true),
        new("ticket/used at the idle limit: ended and dropped", Idle, Cap, Idle, false, Second, false),
        new("ticket/probed one idle limit after its last use: ended", Idle, Cap, TimeSpan.FromMinutes(2), true, TimeSpan.FromMinutes(7), false),
        new("ticket/kept busy: still ends at the cap", Idle, TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(4), true, TimeSpan.FromMinutes(6), false),
        new("ticket/kept busy: works until just before the cap", Idle, TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(4), true, TimeSpan.FromMinutes(6) - Second, true),
        new("ticket/cap shorter than the idle limit: ends at the cap", Idle, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3), false, Second, false),
        new("ticket/none: nothing works", null, Cap, Second, false, Second, false),
        new("session/before its end: works", null, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15) - Second, true, Session: true),
        new("session/at its end: ended", null, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), false, Session: true),
        new("session/none: nothing works", null, TimeSpan.Zero, Second, false, Session: true),
    ];

    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    public static SessionRuleCase Named(string name) => All.Single(c => c.Name == name);

    public static ChangeTicket? Ticket(SessionRuleCase c) => c.Idle is { } idle
        ? new ChangeTicket { TokenHash = Hash, CustomerId = "c-1", LastUsedAt = Start, IdleTimeout = idle, AbsoluteExpiresAt = Start + c.Cap, CredentialVersion = 3 }
        : null;

    public static SessionRecord? Session(SessionRuleCase c) =>
        c.Session && c.Cap > TimeSpan.Zero ? new SessionRecord(Hash, "c-1", Start + c.Cap) { CredentialVersion = 3 } : null;

    /// <summary>The row on the pure functions: (first use works, probe works).</summary>
    public static (bool Works, bool ProbeWorks) OnRules(SessionRuleCase c)
    {
        if (c.Session)
        {
            return (Session(c) is { } s && SessionRules.IsLive(s, Start + c.At), false);
        }

        var touched = Ticket(c) is { } t ? SessionRules.Touch(t, Start + c.At) : null;
        if (touched is not null)
        {
            Assert.Equal(Start + c.At, touched.LastUsedAt);
        }

        // An ended ticket is dropped: the probe finds nothing, whenever it comes.
        var probe = c.ProbeAt is { } at && touched is not null ? SessionRules.Touch(touched, Start + at) : null;
        return (touched is not null, probe is not null);
    }

    /// <summary>The row on a store: issued at the start, used and probed at the row's times (the store is told <c>now</c>).</summary>
    public static async Task<(bool Works, bool ProbeWorks)> OnStoreAsync(SessionRuleCase c, ISessionStore store)
    {
        var ct = CancellationToken.None;
        var timeout = TimeSpan.FromSeconds(10);
        if (c.Session)
        {
            if (Session(c) is { } session)
            {
                await store.CreateSessionAsync(session, ct).WaitAsync(timeout);
            }

            var read = await store.GetSessionAsync(Hash, Start + c.At, ct).WaitAsync(timeout);
            if (read is not null)
            {
                Assert.Equal(Session(c), read);
            }

            return (read is not null, false);
        }

        if (Ticket(c) is { } ticket)
        {
            await store.CreateTicketAsync(ticket, ct).WaitAsync(timeout);
        }

        var touched = await store.TouchTicketAsync(Hash, Start + c.At, ct).WaitAsync(timeout);
        if (touched is not null)
        {
            Assert.Equal(Ticket(c)! with { LastUsedAt = Start + c.At }, touched);
        }

        var probe = c.ProbeAt is { } at ? await store.TouchTicketAsync(Hash, Start + at, ct).WaitAsync(timeout) : null;
        return (touched is not null, probe is not null);
    }
}
