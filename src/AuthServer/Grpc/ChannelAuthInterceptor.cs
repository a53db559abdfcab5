using Grpc.Core;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Channels;
using Recovery.AuthServer.Common;
using Recovery.V1;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The channel credential of RecoveryService and AccessService: with channel tokens configured, a call
/// must carry <c>authorization: Bearer &lt;token&gt;</c> of a configured channel, and that channel is who
/// calls (audit, rate limits, idempotency scopes). Health, reflection and DirectoryService (its own admin
/// credential) are left alone. Registered inside <see cref="ErrorMappingInterceptor"/> and before
/// <see cref="IdempotencyInterceptor"/>, so an unauthenticated call never reaches a stored response.
/// </summary>
public sealed class ChannelAuthInterceptor(ChannelAuthenticator authenticator, IAuditLog audit) : CallCheckInterceptor
{
    private const string UserStateKey = "recovery.channel";

    private static readonly string[] Guarded = [$"/{RecoveryService.Descriptor.FullName}/", $"/{AccessService.Descriptor.FullName}/"];

    /// <summary>The channel this call authenticated as, or null (no channel tokens configured, or not a guarded service).</summary>
    public static string? AuthenticatedChannel(ServerCallContext context) =>
        context.UserState.TryGetValue(UserStateKey, out var channel) ? (string)channel : null;

    protected override void Check(ServerCallContext context)
    {
        if (!authenticator.IsEnforced || !Array.Exists(Guarded, prefix => context.Method.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return;
        }

        // The same answer for a missing and a wrong token; the token itself is never logged or audited.
        var channel = authenticator.ChannelOf(BearerHeader.Read(context));
        if (channel is null)
        {
            audit.Record(new AuditEvent("channel.authenticate", "token_invalid", CallerContext.Unknown.Channel, Detail: context.Method));
            OutcomeExtensions.Throw(new Failure(FailureKind.Unauthenticated, ErrorReasons.ChannelTokenInvalid,
                "This service needs 'authorization: Bearer <channel token>' with a token configured under Channels:Tokens."));
        }

        // A channel that also names itself must name itself truly: a mismatch is a misconfigured caller.
        var named = context.RequestHeaders.GetValue(CallerContextReader.ChannelHeader);
        if (named is not null && !string.Equals(named, channel, StringComparison.Ordinal))
        {
            audit.Record(new AuditEvent("channel.authenticate", "channel_mismatch", channel!, Detail: context.Method));
            OutcomeExtensions.Throw(new Failure(FailureKind.PermissionDenied, ErrorReasons.ChannelMismatch,
                "The x-channel header names another channel than the one the token belongs to; drop the header or fix it."));
        }

        context.UserState[UserStateKey] = channel!;
    }
}
