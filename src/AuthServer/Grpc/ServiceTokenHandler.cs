using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The credential of one service: <c>authorization: Bearer &lt;token&gt;</c> with one of its configured tokens,
/// checked before any message is read. No token configured: every call is refused as disabled (PERMISSION_DENIED,
/// before the token is even looked at: there is nothing a caller could present).
/// </summary>
public abstract class ServiceTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, UrlEncoder encoder, ServiceTokens tokens)
    : CredentialHandler(options, encoder)
{
    /// <summary>The service's name, for messages (e.g. DirectoryService).</summary>
    protected abstract string Service { get; }

    /// <summary>The configuration key of its tokens (e.g. Directory:AdminTokens).</summary>
    protected abstract string Setting { get; }

    protected abstract string DisabledReason { get; }

    protected abstract string InvalidReason { get; }

    /// <summary>Logs, once per process, that a call met the disabled service.</summary>
    protected abstract void LogDisabledOnce(string method);

    /// <summary>Who calls, once the token is good: the claims to admit it with, or the failure to refuse it with.</summary>
    protected virtual Outcome<Claim[]> Caller() => Array.Empty<Claim>();

    protected sealed override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!tokens.IsConfigured)
        {
            LogDisabledOnce(Method);
            return Task.FromResult(Refuse(new Failure(FailureKind.PermissionDenied, DisabledReason, $"{Service} is disabled: no {Setting} is configured.")));
        }

        // The same answer for a missing and a wrong token; the token itself is never logged.
        if (!tokens.Verify(BearerToken()))
        {
            return Task.FromResult(Refuse(new Failure(FailureKind.Unauthenticated, InvalidReason,
                $"{Service} needs 'authorization: Bearer <token>' with a token configured under {Setting}.")));
        }

        var caller = Caller();
        return Task.FromResult(caller.IsSuccess ? Admit(caller.Value) : Refuse(caller.Failure));
    }
}
