namespace Recovery.AuthServer.Access;

/// <summary>A session, or (after a recovery) only a ticket to change the password.</summary>
public abstract record LoginResult
{
    private LoginResult()
    {
    }

    public sealed record SessionGranted(string Token, DateTimeOffset ExpiresAt) : LoginResult
    {
        public override string ToString() => "SessionGranted { (token hidden) }";
    }

    public sealed record ChangeRequired(string Ticket, DateTimeOffset ExpiresAt, string DisplayName) : LoginResult
    {
        public override string ToString() => "ChangeRequired { (ticket hidden) }";
    }
}
