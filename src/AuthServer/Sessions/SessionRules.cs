namespace Recovery.AuthServer.Sessions;

/// <summary>
/// The rules of change tickets and sessions, one home for each: when a ticket ends (idle limit, hard cap), what
/// a use of it does, when a session ends, and that either works only at the credentials version it was issued
/// at. Pure functions: the in-memory store applies them (under the map's compare-and-swap), the Redis store's
/// touch script mirrors <see cref="Touch"/>, and the flows ask <see cref="IsAtVersion"/>.
/// </summary>
public static class SessionRules
{
    /// <summary>
    /// When a ticket ends: <paramref name="idleTimeout"/> after its last use (PSD2 RTS art. 4: 5 minutes), and
    /// never after <paramref name="absoluteExpiresAt"/> however busy it is kept.
    /// </summary>
    public static DateTimeOffset TicketExpiresAt(DateTimeOffset lastUsedAt, TimeSpan idleTimeout, DateTimeOffset absoluteExpiresAt) =>
        lastUsedAt + idleTimeout < absoluteExpiresAt ? lastUsedAt + idleTimeout : absoluteExpiresAt;

    /// <summary>
    /// A use of <paramref name="ticket"/> at <paramref name="now"/>: the ticket with its idle timer restarted, or
    /// null when it has ended (at its end exactly, too), in which case the store drops it.
    /// </summary>
    public static ChangeTicket? Touch(ChangeTicket ticket, DateTimeOffset now) =>
        now >= ticket.ExpiresAt ? null : ticket with { LastUsedAt = now };

    /// <summary>Whether <paramref name="session"/> still works at <paramref name="now"/> (it ends at its expiry exactly).</summary>
    public static bool IsLive(SessionRecord session, DateTimeOffset now) => session.ExpiresAt > now;

    /// <summary>
    /// Whether a ticket or session issued at credentials version <paramref name="issuedAt"/> still works while the
    /// credentials are at <paramref name="credentialsVersion"/> (null: the customer has none).
    /// </summary>
    /// <remarks>
    /// A recovery and a signed password change each bump the version in the same atomic step as the change:
    /// every ticket and session opened before it ends with it, so a stolen session does not outlive the
    /// customer's new password.
    /// </remarks>
    public static bool IsAtVersion(long issuedAt, long? credentialsVersion) => credentialsVersion == issuedAt;
}
