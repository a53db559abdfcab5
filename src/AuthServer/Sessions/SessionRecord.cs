namespace Recovery.AuthServer.Sessions;

/// <summary>An online-banking session, stored under a keyed hash of its bearer token.</summary>
public sealed record SessionRecord(string TokenHash, string CustomerId, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// The credentials version the session was opened at; it works only while the credentials are still
    /// at that version, so a recovery or a password change ends it.
    /// </summary>
    public long CredentialVersion { get; init; }
}
