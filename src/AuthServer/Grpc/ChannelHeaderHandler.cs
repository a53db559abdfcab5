using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Decides <see cref="ChannelHeaderRequirement"/>: an <c>x-channel</c> header that names another channel than the
/// token's is refused (PERMISSION_DENIED CHANNEL_MISMATCH, audited) rather than silently overridden, so that a
/// misconfigured caller is found at once. Without a channel claim (Development's anonymous channels) the header is
/// the channel's only name and there is nothing to compare.
/// </summary>
public sealed class ChannelHeaderHandler(IAuditLog audit) : AuthorizationHandler<ChannelHeaderRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ChannelHeaderRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        var channel = context.User.FindFirst(CredentialSchemes.ChannelClaim)?.Value;
        var http = context.Resource as HttpContext;
        var headers = http?.Request.Headers[CallerContextReader.ChannelHeader] ?? default;
        var named = headers.Count > 0 ? headers[^1] : null;
        if (channel is not null && named is not null && !string.Equals(named, channel, StringComparison.Ordinal))
        {
            audit.Record(new AuditEvent("channel.authenticate", "channel_mismatch", channel, Detail: http?.Request.Path.Value));
            context.Fail(new RefusalReason(this, new Failure(FailureKind.PermissionDenied, ErrorReasons.ChannelMismatch,
                "The x-channel header names another channel than the one the token belongs to; drop the header or fix it.")));
            return Task.CompletedTask;
        }

        context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
