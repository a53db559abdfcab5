using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The admin credential of DirectoryService (<see cref="CredentialSchemes.Admin"/>): a configured
/// <c>Directory:AdminTokens</c> value. A separate credential from anything a channel holds: a channel or
/// call-centre token does not open the directory.
/// </summary>
public sealed partial class AdminTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    UrlEncoder encoder,
    AdminTokenVerifier verifier,
    OncePerProcess<AdminTokenHandler> disabledLogged,
    ILogger<AdminTokenHandler> logger) : ServiceTokenHandler(options, encoder, verifier)
{
    protected override string Service => "DirectoryService";

    protected override string Setting => "Directory:AdminTokens";

    protected override string DisabledReason => ErrorReasons.DirectoryDisabled;

    protected override string InvalidReason => ErrorReasons.AdminTokenInvalid;

    // The logger is named: the base class's own Logger is a null one (see CredentialHandler).
    protected override void LogDisabledOnce(string method)
    {
        if (disabledLogged.TryTake())
        {
            LogDisabled(logger, method);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method}: DirectoryService is disabled because no Directory:AdminTokens is configured (logged once)")]
    private static partial void LogDisabled(ILogger logger, string method);
}
