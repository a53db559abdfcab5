using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.CallCentre;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class CallCentreTokenHandlerTests
{
    private const string Token = "Y2FsbC1jZW50cmUtdGVzdC10b2tlbi0wMTIzNDU2Nzg5LWFiY2RlZg==";

    [Fact]
    public async Task AuthenticateAsync_NoTokenConfigured_PermissionDeniedAndNotAdmitted()
    {
        var result = await AuthenticateAsync([], $"Bearer {Token}", "agente.1");

        Assert.False(result.Succeeded);
        Assert.Equal((FailureKind.PermissionDenied, ErrorReasons.CallCentreDisabled), (CredentialHandler.RefusalOf(result)!.Kind, CredentialHandler.RefusalOf(result)!.Reason));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Token)]
    [InlineData("Bearer bm90LXRoZS10b2tlbg==")]
    public async Task AuthenticateAsync_MissingOrWrongToken_UnauthenticatedAndNotAdmitted(string? header)
    {
        var result = await AuthenticateAsync([Token], header, "agente.1");

        Assert.False(result.Succeeded);
        Assert.Equal((FailureKind.Unauthenticated, ErrorReasons.CallCentreTokenInvalid), (CredentialHandler.RefusalOf(result)!.Kind, CredentialHandler.RefusalOf(result)!.Reason));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("agente uno")]
    [InlineData("a-very-long-agent-identifier-that-goes-on-and-on-past-sixty-four-chars")]
    public async Task AuthenticateAsync_RightTokenBadAgent_InvalidArgumentOnTheHeaderAndNotAdmitted(string? agent)
    {
        var result = await AuthenticateAsync([Token], $"Bearer {Token}", agent);

        Assert.False(result.Succeeded);
        var failure = CredentialHandler.RefusalOf(result)!;
        Assert.Equal((FailureKind.InvalidArgument, "x-agent-id"), (failure.Kind, Assert.Single(failure.Violations).Field));
    }

    [Fact]
    public async Task AuthenticateAsync_RightTokenAndAgent_AdmittedAsTheAgent()
    {
        var result = await AuthenticateAsync([Token], $"Bearer {Token}", "maria.lopez@centro-01");

        Assert.True(result.Succeeded);
        Assert.Equal("maria.lopez@centro-01", result.Principal!.FindFirst(CredentialSchemes.AgentClaim)!.Value);
        Assert.Equal("maria.lopez@centro-01", CallerContextReader.Agent(new TestCallContext("/recovery.v1.CallCentreService/LookupOperation", user: result.Principal)));
    }

    [Fact]
    public void Validate_DevelopmentTokenOnlyInDevelopment()
    {
        var options = new CallCentreOptions { Tokens = ["REVWRUxPUE1FTlQtY2FsbC1jZW50cmUtdG9rZW4tbm90LWEtc2VjcmV0LTAx"] };

        Assert.StartsWith("CallCentre:Tokens:0 is the published development value",
            Assert.Single(new CallCentreOptionsValidator(new TestHostEnvironment("Production")).Validate(null, options).Failures!), StringComparison.Ordinal);
        Assert.True(new CallCentreOptionsValidator(new TestHostEnvironment("Development")).Validate(null, options).Succeeded);
    }

    private static Task<AuthenticateResult> AuthenticateAsync(List<string> tokens, string? header, string? agent)
    {
        var handler = new CallCentreTokenHandler(
            SchemeHarness.Options,
            UrlEncoder.Default,
            new CallCentreAuthenticator(Options.Create(new CallCentreOptions { Tokens = tokens })),
            new OncePerProcess<CallCentreTokenHandler>(),
            new FakeLogger<CallCentreTokenHandler>());
        return SchemeHarness.AuthenticateAsync(handler, CredentialSchemes.CallCentre,
            SchemeHarness.Request("/recovery.v1.CallCentreService/LookupOperation", ("authorization", header), ("x-agent-id", agent)));
    }
}
