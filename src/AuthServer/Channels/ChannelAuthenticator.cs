using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Channels;

/// <summary>Tells which channel a presented bearer token belongs to, in constant time.</summary>
public sealed class ChannelAuthenticator
{
    private readonly BearerTokenSet tokens;

    public ChannelAuthenticator(IOptions<ChannelOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        tokens = new BearerTokenSet(options.Value.All());
    }

    /// <summary>
    /// False when no channel token is configured (Development only, enforced at start-up): channels are
    /// then anonymous and name themselves with <c>x-channel</c>.
    /// </summary>
    public bool IsEnforced => !tokens.IsEmpty;

    /// <summary>The channel holding <paramref name="token"/>, or null.</summary>
    public string? ChannelOf(string? token) => tokens.Match(token);
}
