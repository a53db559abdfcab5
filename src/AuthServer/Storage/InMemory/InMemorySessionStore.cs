using System.Collections.Concurrent;
using Recovery.AuthServer.Sessions;

namespace Recovery.AuthServer.Storage.InMemory;

public sealed class InMemorySessionStore(TimeProvider time) : ISessionStore
{
    private readonly ConcurrentDictionary<string, ChangeTicket> tickets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SessionRecord> sessions = new(StringComparer.Ordinal);
    private readonly ExpirySweeper ticketSweeper = new(time);
    private readonly ExpirySweeper sessionSweeper = new(time);

    public Task CreateTicketAsync(ChangeTicket ticket, CancellationToken cancellationToken)
    {
        ticketSweeper.Sweep(tickets, t => t.ExpiresAt);
        tickets[ticket.TokenHash] = ticket;
        return Task.CompletedTask;
    }

    public Task<ChangeTicket?> TouchTicketAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        while (tickets.TryGetValue(tokenHash, out var current))
        {
            var touched = SessionRules.Touch(current, now);
            if (touched is null)
            {
                tickets.TryRemove(tokenHash, out _);
                return Task.FromResult<ChangeTicket?>(null);
            }

            if (tickets.TryUpdate(tokenHash, touched, current))
            {
                return Task.FromResult<ChangeTicket?>(touched);
            }
        }

        return Task.FromResult<ChangeTicket?>(null);
    }

    public Task RevokeTicketAsync(string tokenHash, CancellationToken cancellationToken)
    {
        tickets.TryRemove(tokenHash, out _);
        return Task.CompletedTask;
    }

    public Task CreateSessionAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        sessionSweeper.Sweep(sessions, s => s.ExpiresAt);
        sessions[session.TokenHash] = session;
        return Task.CompletedTask;
    }

    public Task RevokeSessionAsync(string tokenHash, CancellationToken cancellationToken)
    {
        sessions.TryRemove(tokenHash, out _);
        return Task.CompletedTask;
    }

    public Task<SessionRecord?> GetSessionAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(sessions.TryGetValue(tokenHash, out var s) && SessionRules.IsLive(s, now) ? s : null);
}
