using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.Grpc;

/// <summary>The admin credential of DirectoryService: a configured <c>Directory:AdminTokens</c> value.</summary>
public sealed partial class AdminTokenInterceptor(AdminTokenVerifier verifier, ILogger<AdminTokenInterceptor> logger) : ServiceTokenInterceptor(verifier)
{
    // Static: gRPC creates an interceptor per call, and "log once" must span calls.
    private static int loggedDisabled;

    protected override string Service => "DirectoryService";

    protected override string Setting => "Directory:AdminTokens";

    protected override string DisabledReason => ErrorReasons.DirectoryDisabled;

    protected override string InvalidReason => ErrorReasons.AdminTokenInvalid;

    protected override void LogDisabledOnce(string method)
    {
        if (Interlocked.Exchange(ref loggedDisabled, 1) == 0)
        {
            LogDisabled(method);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method}: DirectoryService is disabled because no Directory:AdminTokens is configured (logged once)")]
    private partial void LogDisabled(string method);
}
