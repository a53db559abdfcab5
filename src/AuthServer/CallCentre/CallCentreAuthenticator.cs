using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.CallCentre;

/// <summary>The call-centre desktop's tokens (<see cref="CallCentreOptions.Tokens"/>), and the shape of an agent id.</summary>
public sealed class CallCentreAuthenticator(IOptions<CallCentreOptions> options) : ServiceTokens(options.Value.Tokens, "call-centre")
{
    /// <summary>An agent id: 1–64 of ASCII letters, digits, '.', '_', '-' and '@' (an employee number or a directory login).</summary>
    public static bool IsValidAgentId(string? agentId) =>
        agentId is { Length: > 0 and <= 64 } && agentId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');
}
