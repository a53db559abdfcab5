using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.CallCentre;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class CallCentreAuthInterceptorTests
{
    private const string Token = "Y2FsbC1jZW50cmUtdGVzdC10b2tlbi0wMTIzNDU2Nzg5LWFiY2RlZg==";

    [Fact]
    public async Task UnaryServerHandler_NoTokenConfigured_PermissionDeniedAndNotRun()
    {
        var ran = false;
        var ex = await Assert.ThrowsAsync<DomainFailureException>(() => Handle([], $"Bearer {Token}", "agente.1", () => ran = true));

        Assert.Equal((FailureKind.PermissionDenied, ErrorReasons.CallCentreDisabled), (ex.Failure.Kind, ex.Failure.Reason));
        Assert.False(ran);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Token)]
    [InlineData("Bearer bm90LXRoZS10b2tlbg==")]
    public async Task UnaryServerHandler_MissingOrWrongToken_UnauthenticatedAndNotRun(string? header)
    {
        var ran = false;
        var ex = await Assert.ThrowsAsync<DomainFailureException>(() => Handle([Token], header, "agente.1", () => ran = true));

        Assert.Equal((FailureKind.Unauthenticated, ErrorReasons.CallCentreTokenInvalid), (ex.Failure.Kind, ex.Failure.Reason));
        Assert.False(ran);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("agente uno")]
    [InlineData("a-very-long-agent-identifier-that-goes-on-and-on-past-sixty-four-chars")]
    public async Task UnaryServerHandler_RightTokenBadAgent_InvalidArgumentOnTheHeaderAndNotRun(string? agent)
    {
        var ran = false;
        var ex = await Assert.ThrowsAsync<DomainFailureException>(() => Handle([Token], $"Bearer {Token}", agent, () => ran = true));

        Assert.Equal((FailureKind.InvalidArgument, "x-agent-id"), (ex.Failure.Kind, Assert.Single(ex.Failure.Violations).Field));
        Assert.False(ran);
    }

    [Fact]
    public async Task UnaryServerHandler_RightTokenAndAgent_RunsWithTheAgent()
    {
        string? agent = null;
        var context = Context($"Bearer {Token}", "maria.lopez@centro-01");

        await Interceptor([Token]).UnaryServerHandler("request", context, (_, c) =>
        {
            agent = CallCentreAuthInterceptor.Agent(c);
            return Task.FromResult("response");
        });

        Assert.Equal("maria.lopez@centro-01", agent);
    }

    [Fact]
    public void Validate_DevelopmentTokenOnlyInDevelopment()
    {
        var options = new CallCentreOptions { Tokens = ["REVWRUxPUE1FTlQtY2FsbC1jZW50cmUtdG9rZW4tbm90LWEtc2VjcmV0LTAx"] };

        Assert.StartsWith("CallCentre:Tokens:0 is the published development value",
            Assert.Single(new CallCentreOptionsValidator(new TestHostEnvironment("Production")).Validate(null, options).Failures!), StringComparison.Ordinal);
        Assert.True(new CallCentreOptionsValidator(new TestHostEnvironment("Development")).Validate(null, options).Succeeded);
    }

    private static Task<string> Handle(List<string> tokens, string? header, string? agent, Action body) =>
        Interceptor(tokens).UnaryServerHandler("request", Context(header, agent), (_, _) =>
        {
            body();
            return Task.FromResult("response");
        });

    private static CallCentreAuthInterceptor Interceptor(List<string> tokens) =>
        new(new CallCentreAuthenticator(Options.Create(new CallCentreOptions { Tokens = tokens })), NullLogger<CallCentreAuthInterceptor>.Instance);

    private static TestCallContext Context(string? header, string? agent)
    {
        var headers = new Metadata();
        if (header is not null)
        {
            headers.Add("authorization", header);
        }

        if (agent is not null)
        {
            headers.Add("x-agent-id", agent);
        }

        return new TestCallContext("/recovery.v1.CallCentreService/LookupOperation", headers);
    }
}
