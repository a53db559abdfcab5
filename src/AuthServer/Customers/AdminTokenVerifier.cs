using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Customers;

/// <summary>Checks a presented admin token against <see cref="DirectoryOptions.AdminTokens"/> in constant time.</summary>
public sealed class AdminTokenVerifier
{
    private readonly BearerTokenSet tokens;

    public AdminTokenVerifier(IOptions<DirectoryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        tokens = new BearerTokenSet(options.Value.AdminTokens.Select(t => ("admin", t)));
    }

    /// <summary>False when no token is configured: the directory is then closed to everyone.</summary>
    public bool IsConfigured => !tokens.IsEmpty;

    public bool Verify(string? presented) => tokens.Match(presented) is not null;
}
