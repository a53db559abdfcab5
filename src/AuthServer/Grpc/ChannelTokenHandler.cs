using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Channels;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The channel credential of RecoveryService and AccessService (<see cref="CredentialSchemes.Channel"/>): with
/// channel tokens configured, a call must carry <c>authorization: Bearer &lt;token&gt;</c> of a configured channel,
/// and that channel is who calls (the <see cref="CredentialSchemes.ChannelClaim"/>, read by audit, rate limits and
/// idempotency scopes). Whether an <c>x-channel</c> header agrees is the policy's question
/// (<see cref="ChannelHeaderRequirement"/>). It runs in the authorization middleware, before any interceptor, so
/// an unauthenticated call never reaches a stored idempotent response.
/// </summary>
public sealed class ChannelTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    UrlEncoder encoder,
    ChannelAuthenticator authenticator,
    IAuditLog audit) : CredentialHandler(options, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // No channel token configured (Development only, enforced at start-up): channels are anonymous and name
        // themselves with x-channel. The caller is admitted without a channel claim, so nothing reads a channel
        // from a credential that was never checked.
        if (!authenticator.IsEnforced)
        {
            return Task.FromResult(Admit());
        }

        // The same answer for a missing and a wrong token; the token itself is never logged or audited (the
        // audit names the method only).
        var channel = authenticator.ChannelOf(BearerToken());
        if (channel is null)
        {
            audit.Record(new AuditEvent("channel.authenticate", "token_invalid", CallerContext.Unknown.Channel, Detail: Method));
            return Task.FromResult(Refuse(new Failure(FailureKind.Unauthenticated, ErrorReasons.ChannelTokenInvalid,
                "This service needs 'authorization: Bearer <channel token>' with a token configured under Channels:Tokens.")));
        }

        return Task.FromResult(Admit(new System.Security.Claims.Claim(CredentialSchemes.ChannelClaim, channel)));
    }
}
