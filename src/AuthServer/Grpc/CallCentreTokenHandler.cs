using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.CallCentre;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The credential of CallCentreService (<see cref="CredentialSchemes.CallCentre"/>): the call-centre desktop's
/// token (one of <c>CallCentre:Tokens</c>) and the agent's id (<c>x-agent-id</c>, the
/// <see cref="CredentialSchemes.AgentClaim"/>), which every step audits. Stronger than a channel's: its own token,
/// never a channel or admin token, and no anonymous use even in Development.
/// </summary>
public sealed partial class CallCentreTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    UrlEncoder encoder,
    CallCentreAuthenticator authenticator,
    OncePerProcess<CallCentreTokenHandler> disabledLogged,
    ILogger<CallCentreTokenHandler> logger) : ServiceTokenHandler(options, encoder, authenticator)
{
    public const string AgentHeader = "x-agent-id";

    protected override string Service => "CallCentreService";

    protected override string Setting => "CallCentre:Tokens";

    protected override string DisabledReason => ErrorReasons.CallCentreDisabled;

    protected override string InvalidReason => ErrorReasons.CallCentreTokenInvalid;

    protected override Outcome<Claim[]> Caller()
    {
        var agent = Header(AgentHeader);
        if (!CallCentreAuthenticator.IsValidAgentId(agent))
        {
            return Failure.Invalid([new FieldViolation(AgentHeader, "Required: the agent's id, 1-64 of letters, digits, '.', '_', '-' and '@'.", "MISSING_OR_MALFORMED")]);
        }

        return new[] { new Claim(CredentialSchemes.AgentClaim, agent!) };
    }

    // The logger is named: the base class's own Logger is a null one (see CredentialHandler).
    protected override void LogDisabledOnce(string method)
    {
        if (disabledLogged.TryTake())
        {
            LogDisabled(logger, method);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method}: CallCentreService is disabled because no CallCentre:Tokens is configured (logged once)")]
    private static partial void LogDisabled(ILogger logger, string method);
}
