using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Channels;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class ChannelTokenHandlerTests
{
    private const string Method = "/recovery.v1.RecoveryService/StartRecovery";
    private static readonly string Web = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string Ivr = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private readonly List<AuditEvent> audited = [];

    [Fact]
    public async Task AuthenticateAsync_TokenOfAChannel_AdmittedWithThatChannelAndNothingAudited()
    {
        var result = await AuthenticateAsync(Configured, "Bearer " + Ivr);

        Assert.True(result.Succeeded);
        Assert.Equal("ivr", result.Principal!.FindFirst(CredentialSchemes.ChannelClaim)!.Value);
        Assert.Equal("ivr", CallerContextReader.Read(new TestCallContext(Method, new() { { "x-channel", "web" } }, user: result.Principal)).Channel);
        Assert.Empty(audited);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer ")]
    [InlineData("Basic AAAA")]
    [InlineData("Bearer bm90LWEtY2hhbm5lbC10b2tlbi0wMTIzNDU2Nzg5YWJjZGVm")]
    public async Task AuthenticateAsync_MissingOrWrongToken_UnauthenticatedAndAuditedWithTheMethodOnly(string? header)
    {
        var result = await AuthenticateAsync(Configured, header);

        Assert.False(result.Succeeded);
        Assert.Equal((FailureKind.Unauthenticated, ErrorReasons.ChannelTokenInvalid), (CredentialHandler.RefusalOf(result)!.Kind, CredentialHandler.RefusalOf(result)!.Reason));
        var refused = Assert.Single(audited);
        Assert.Equal(("channel.authenticate", "token_invalid", "unknown", Method), (refused.Action, refused.Outcome, refused.Channel, refused.Detail));
    }

    [Fact]
    public async Task AuthenticateAsync_NoChannelTokensConfigured_AdmittedWithoutAChannelClaimSoXChannelNamesIt()
    {
        var result = await AuthenticateAsync(new ChannelOptions(), header: null);

        Assert.True(result.Succeeded);
        Assert.Null(result.Principal!.FindFirst(CredentialSchemes.ChannelClaim));
        Assert.Equal("mobile", CallerContextReader.Read(new TestCallContext(Method, new() { { "x-channel", "mobile" } }, user: result.Principal)).Channel);
        Assert.Empty(audited);
    }

    private static ChannelOptions Configured => new()
    {
        Tokens = new(StringComparer.Ordinal) { ["web"] = [Web], ["ivr"] = [Ivr] },
    };

    private Task<AuthenticateResult> AuthenticateAsync(ChannelOptions channels, string? header)
    {
        var handler = new ChannelTokenHandler(SchemeHarness.Options, UrlEncoder.Default, new ChannelAuthenticator(Options.Create(channels)), new ListAuditLog(audited));
        return SchemeHarness.AuthenticateAsync(handler, CredentialSchemes.Channel, SchemeHarness.Request(Method, ("authorization", header)));
    }

    private sealed class ListAuditLog(List<AuditEvent> events) : IAuditLog
    {
        public void Record(AuditEvent auditEvent) => events.Add(auditEvent);
    }
}
