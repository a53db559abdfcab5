namespace Recovery.AuthServer.Security;

/// <summary>
/// The bearer tokens that open one service (DirectoryService's admin tokens, CallCentreService's desktop
/// tokens), matched in constant time. None configured: the service is closed to everyone.
/// </summary>
public abstract class ServiceTokens(IEnumerable<string> tokens, string holder)
{
    private readonly BearerTokenSet set = new(tokens.Select(t => (holder, t)));

    /// <summary>False when no token is configured.</summary>
    public bool IsConfigured => !set.IsEmpty;

    public bool Verify(string? presented) => set.Match(presented) is not null;
}
