using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The admin credential of DirectoryService, and only of it (registered for that service alone): the
/// metadata <c>authorization: Bearer &lt;token&gt;</c> must carry a configured <c>Directory:AdminTokens</c> value.
/// Runs inside <see cref="ErrorMappingInterceptor"/>, so its refusals carry the usual details.
/// </summary>
public sealed partial class AdminTokenInterceptor(AdminTokenVerifier verifier, ILogger<AdminTokenInterceptor> logger) : Interceptor
{
    // Static: gRPC creates an interceptor per call, and "log once" must span calls.
    private static int loggedDisabled;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        // Before the first message is read: a refused import stores nothing.
        Authorize(context);
        return continuation(requestStream, context);
    }

    private void Authorize(ServerCallContext context)
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
