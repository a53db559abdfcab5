namespace Recovery.AuthServer.Sessions;

/// <summary>
/// What a temporary-password login grants: the right to change the password and nothing else.
/// Stored under a keyed hash of the bearer token.
/// </summary>
public sealed record ChangeTicket
{
    public required string TokenHash { get; init; }

    public required string CustomerId { get; init; }

    public required DateTimeOffset LastUsedAt { get; init; }

    /// <summary>Idle limit (PSD2 RTS art. 4: 5 minutes).</summary>
    public required TimeSpan IdleTimeout { get; init; }

    /// <summary>Hard end whatever the activity.</summary>
    public required DateTimeOffset AbsoluteExpiresAt { get; init; }

    /// <summary>The credentials version at issue; the ticket works only while they are still at it.</summary>
    public long CredentialVersion { get; init; }

    /// <summary>When it ends unless used again (<see cref="SessionRules.TicketExpiresAt"/>).</summary>
    public DateTimeOffset ExpiresAt => SessionRules.TicketExpiresAt(LastUsedAt, IdleTimeout, AbsoluteExpiresAt);
}
