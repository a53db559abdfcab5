using Grpc.Core;
using Microsoft.Extensions.Logging;
using Recovery.AuthServer.CallCentre;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The credential of CallCentreService: the call-centre desktop's token (one of <c>CallCentre:Tokens</c>) and the
/// agent's id (<c>x-agent-id</c>), which every step audits. Stronger than a channel's: its own token, never a
/// channel token, and no anonymous use even in Development.
/// </summary>
public sealed partial class CallCentreAuthInterceptor(CallCentreAuthenticator authenticator, ILogger<CallCentreAuthInterceptor> logger) : ServiceTokenInterceptor(authenticator)
{
    public const string AgentHeader = "x-agent-id";
    private const string UserStateKey = "recovery.agent";

    // Static: gRPC creates an interceptor per call, and "log once" must span calls.
    private static int loggedDisabled;

    protected override string Service => "CallCentreService";

    protected override string Setting => "CallCentre:Tokens";

    protected override string DisabledReason => ErrorReasons.CallCentreDisabled;

    protected override string InvalidReason => ErrorReasons.CallCentreTokenInvalid;

    /// <summary>The agent this call was authenticated for.</summary>
    public static string Agent(ServerCallContext context) =>
        context.UserState.TryGetValue(UserStateKey, out var agent) ? (string)agent : throw new InvalidOperationException("No authenticated agent.");

    protected override void CheckCaller(ServerCallContext context)
    {
        var agent = context.RequestHeaders.GetValue(AgentHeader);
        if (!CallCentreAuthenticator.IsValidAgentId(agent))
        {
            OutcomeExtensions.Throw(Failure.Invalid([new FieldViolation(AgentHeader, "Required: the agent's id, 1-64 of letters, digits, '.', '_', '-' and '@'.", "MISSING_OR_MALFORMED")]));
        }

        context.UserState[UserStateKey] = agent!;
    }

    protected override void LogDisabledOnce(string method)
    {
        if (Interlocked.Exchange(ref loggedDisabled, 1) == 0)
        {
            LogDisabled(method);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method}: CallCentreService is disabled because no CallCentre:Tokens is configured (logged once)")]
    private partial void LogDisabled(string method);
}
