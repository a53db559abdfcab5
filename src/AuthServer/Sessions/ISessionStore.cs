namespace Recovery.AuthServer.Sessions;

/// <summary>Change tickets and sessions, each with its own expiry.</summary>
public interface ISessionStore
{
    Task CreateTicketAsync(ChangeTicket ticket, CancellationToken cancellationToken);

    /// <summary>Returns the ticket and restarts its idle timer, or null if unknown, expired or revoked.</summary>
    Task<ChangeTicket?> TouchTicketAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    Task RevokeTicketAsync(string tokenHash, CancellationToken cancellationToken);

    Task CreateSessionAsync(SessionRecord session, CancellationToken cancellationToken);

    /// <summary>Deletes a session whose token was never handed out (its login was refused after the session was written).</summary>
    Task RevokeSessionAsync(string tokenHash, CancellationToken cancellationToken);

    Task<SessionRecord?> GetSessionAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken);
}
