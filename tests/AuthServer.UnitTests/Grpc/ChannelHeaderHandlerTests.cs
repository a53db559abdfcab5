using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class ChannelHeaderHandlerTests
{
    private const string Method = "/recovery.v1.AccessService/Login";
    private readonly List<AuditEvent> audited = [];

    [Theory]
    [InlineData("web", null)]
    [InlineData("web", "web")]
    [InlineData(null, "ivr")]
    [InlineData(null, null)]
    public async Task HandleAsync_HeaderAbsentAgreeingOrNoChannelClaim_SucceedsAndAuditsNothing(string? claimed, string? header)
    {
        var context = await HandleAsync(claimed, header);

        Assert.True(context.HasSucceeded);
        Assert.Empty(audited);
    }

    [Theory]
    [InlineData("ivr")]
    [InlineData("Web")]
    public async Task HandleAsync_HeaderNamingAnotherChannel_FailsWithChannelMismatchAndAuditsIt(string header)
    {
        var context = await HandleAsync("web", header);

        Assert.False(context.HasSucceeded);
        var reason = Assert.IsType<RefusalReason>(Assert.Single(context.FailureReasons));
        Assert.Equal((FailureKind.PermissionDenied, ErrorReasons.ChannelMismatch), (reason.Failure.Kind, reason.Failure.Reason));
        var refused = Assert.Single(audited);
        Assert.Equal(("channel.authenticate", "channel_mismatch", "web", Method), (refused.Action, refused.Outcome, refused.Channel, refused.Detail));
    }

    private async Task<AuthorizationHandlerContext> HandleAsync(string? channel, string? header)
    {
        var identity = new ClaimsIdentity(channel is null ? [] : [new Claim(CredentialSchemes.ChannelClaim, channel)], CredentialSchemes.Channel);
        var context = new AuthorizationHandlerContext([new ChannelHeaderRequirement()], new ClaimsPrincipal(identity), SchemeHarness.Request(Method, ("x-channel", header)));
        await new ChannelHeaderHandler(new ListAuditLog(audited)).HandleAsync(context);
        return context;
    }

    private sealed class ListAuditLog(List<AuditEvent> events) : IAuditLog
    {
        public void Record(AuditEvent auditEvent) => events.Add(auditEvent);
    }
}
