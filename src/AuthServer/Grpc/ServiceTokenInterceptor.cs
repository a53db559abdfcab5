using Grpc.Core;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The credential of one service (registered for that service alone): <c>authorization: Bearer &lt;token&gt;</c>
/// with one of its configured tokens, checked before any message is read. No token configured: every call
/// is refused as disabled. Runs inside <see cref="ErrorMappingInterceptor"/>, so refusals carry the usual details.
/// </summary>
public abstract class ServiceTokenInterceptor(ServiceTokens tokens) : CallCheckInterceptor
{
    /// <summary>The service's name, for messages (e.g. DirectoryService).</summary>
    protected abstract string Service { get; }

    /// <summary>The configuration key of its tokens (e.g. Directory:AdminTokens).</summary>
    protected abstract string Setting { get; }

    protected abstract string DisabledReason { get; }

    protected abstract string InvalidReason { get; }

    /// <summary>Logs, once per process, that a call met the disabled service.</summary>
    protected abstract void LogDisabledOnce(string method);

    /// <summary>What else a call must carry once its token is good; throws to refuse.</summary>
    protected virtual void CheckCaller(ServerCallContext context)
    {
    }

    protected sealed override void Check(ServerCallContext context)
    {
        if (!tokens.IsConfigured)
        {
            LogDisabledOnce(context.Method);
            OutcomeExtensions.Throw(new Failure(FailureKind.PermissionDenied, DisabledReason, $"{Service} is disabled: no {Setting} is configured."));
        }

        // The same answer for a missing and a wrong token; the token itself is never logged.
        if (!tokens.Verify(BearerHeader.Read(context)))
        {
            OutcomeExtensions.Throw(new Failure(FailureKind.Unauthenticated, InvalidReason,
                $"{Service} needs 'authorization: Bearer <token>' with a token configured under {Setting}."));
        }

        CheckCaller(context);
    }
}
