using Grpc.Core;
using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The admin credential of DirectoryService, and only of it (registered for that service alone): the
/// metadata <c>authorization: Bearer &lt;token&gt;</c> must carry a configured <c>Directory:AdminTokens</c> value.
/// Runs inside <see cref="ErrorMappingInterceptor"/>, so its refusals carry the usual details.
/// </summary>
public sealed partial class AdminTokenInterceptor(AdminTokenVerifier verifier, ILogger<AdminTokenInterceptor> logger) : CallCheckInterceptor
{
    // Static: gRPC creates an interceptor per call, and "log once" must span calls.
    private static int loggedDisabled;

    // Before the first message is read: a refused import stores nothing.
    protected override void Check(ServerCallContext context)
    {
        if (!verifier.IsConfigured)
        {
            if (Interlocked.Exchange(ref loggedDisabled, 1) == 0)
            {
                LogDisabled(context.Method);
            }

            OutcomeExtensions.Throw(new Failure(FailureKind.PermissionDenied, ErrorReasons.DirectoryDisabled,
                "DirectoryService is disabled: no Directory:AdminTokens is configured."));
        }

        if (!verifier.Verify(BearerHeader.Read(context)))
        {
            // The same answer for a missing and a wrong token; the token itself is never logged.
            OutcomeExtensions.Throw(new Failure(FailureKind.Unauthenticated, ErrorReasons.AdminTokenInvalid,
                "DirectoryService needs 'authorization: Bearer <admin token>' with a configured token."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method}: DirectoryService is disabled because no Directory:AdminTokens is configured (logged once)")]
    private partial void LogDisabled(string method);
}
