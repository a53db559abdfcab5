namespace Recovery.AuthServer.Sessions;

/// <summary>Change tickets and sessions, each with its own expiry.</summary>
public interface ISessionStore
{
    Task CreateTicketAsync(ChangeTicket ticket, CancellationToken cancellationToken);

    /// <summary>Returns the ticket and restarts its idle timer, or null if unknown, expired or revoked.</summary>
    Task<ChangeTicket?> TouchTicketAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    Task RevokeTicketAsync(string tokenHash, CancellationToken cancellationToken);

    Task CreateSessionAsync(SessionRecord session, CancellationToken cancellationToken);

    Task<SessionRecord?> GetSessionAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken);
}
