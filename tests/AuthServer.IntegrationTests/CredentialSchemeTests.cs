using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The three credentials are three authentication schemes, each named by its own service's policy: a token of one
/// never opens another service, whichever it is, and is refused with that service's own reason, before anything
/// runs. A refusal is a real gRPC answer (trailers-only, HTTP 200, status and details in the headers), given before
/// the request body is read.
/// </summary>
public sealed class CredentialSchemeTests : IntegrationTest
{
    /// <summary>The published development tokens of appsettings.Development.json.</summary>
    private const string CallCentreToken = "REVWRUxPUE1FTlQtY2FsbC1jZW50cmUtdG9rZW4tbm90LWEtc2VjcmV0LTAx";
    private const string AdminToken = SyntheticCustomer.DevAdminToken;

    private static readonly string WebToken = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public CredentialSchemeTests()
        : base(new ServerOptions(Settings: new Dictionary<string, string> { ["Channels:Tokens:web:0"] = WebToken }))
    {
    }

    [Theory]
    [InlineData("channel")]
    [InlineData("call-centre")]
    public async Task DirectoryService_AnotherServicesToken_UnauthenticatedAdminTokenInvalidAndNothingStored(string holder)
    {
        var directory = new DirectoryService.DirectoryServiceClient(Api.Channel);
        var customer = SyntheticCustomer.Make(310);

        var error = await RefusedAsync(() => RecoveryApi.CallAsync(directory.UpsertCustomerAsync(new UpsertCustomerRequest { Customer = customer }, With(TokenOf(holder)))));

        error.Is(StatusCode.Unauthenticated, "ADMIN_TOKEN_INVALID");
        Assert.Null(await Factory.Services.GetRequiredService<ICustomerStore>().GetAsync(customer.CustomerId, CancellationToken.None));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("call-centre")]
    public async Task RecoveryAndAccessServices_AnotherServicesToken_UnauthenticatedChannelTokenInvalidAuditedAndNothingSent(string holder)
    {
        var recovery = new RecoveryService.RecoveryServiceClient(Api.Channel);
        var access = new AccessService.AccessServiceClient(Api.Channel);
        var start = new StartRecoveryRequest { CardNumber = DemoCustomer.Seed.Card, CardExpiry = DemoCustomer.Seed.Expiry, DocumentId = DemoCustomer.Seed.Document, CaptchaToken = DemoCustomer.Captcha };

        var started = await RefusedAsync(() => RecoveryApi.CallAsync(recovery.StartRecoveryAsync(start, With(TokenOf(holder)))));
        var evaluated = await RefusedAsync(() => RecoveryApi.CallAsync(access.EvaluatePasswordAsync(new EvaluatePasswordRequest { Password = "Nube#Verde!2031" }, With(TokenOf(holder)))));

        started.Is(StatusCode.Unauthenticated, "CHANNEL_TOKEN_INVALID");
        evaluated.Is(StatusCode.Unauthenticated, "CHANNEL_TOKEN_INVALID");
        Assert.Empty(Outbox.All);
        Assert.Equal(
            [("token_invalid", "/recovery.v1.RecoveryService/StartRecovery"), ("token_invalid", "/recovery.v1.AccessService/EvaluatePassword")],
            Audit.Events.Select(e => (e.Outcome, e.Detail)));
    }

    [Theory]
    [InlineData("channel")]
    [InlineData("admin")]
    public async Task CallCentreService_AnotherServicesToken_UnauthenticatedCallCentreTokenInvalidAndNothingAudited(string holder)
    {
        var agent = new CallCentreService.CallCentreServiceClient(Api.Channel);
        var options = With(TokenOf(holder));
        options.Headers!.Add("x-agent-id", "agente.0042");

        var error = await RefusedAsync(() => RecoveryApi.CallAsync(agent.LookupOperationAsync(new LookupOperationRequest { Reference = "12345678" }, options)));

        error.Is(StatusCode.Unauthenticated, "CALL_CENTRE_TOKEN_INVALID");
        Assert.Empty(Audit.Events);
    }

    [Fact]
    public async Task StartRecovery_NoTokenAndABodyThatIsNotProtobuf_TrailersOnlyUnauthenticatedBeforeTheBodyIsRead()
    {
        using var raw = new RawGrpc(Factory.Server.CreateHandler(), Factory.Server.BaseAddress);

        // Not protobuf (a truncated varint): with a channel token this is MALFORMED_REQUEST; without one the body
        // is never read, so the credential's refusal is the answer.
        var answer = await raw.CallAsync("/recovery.v1.RecoveryService/StartRecovery", RawGrpc.Frame([0x08, 0xFF]));

        answer.Is(StatusCode.Unauthenticated, "CHANNEL_TOKEN_INVALID");
        Assert.Empty(answer.Body);
        Assert.Empty(Outbox.All);
        Assert.Empty(Logs.Errors);
    }

    [Fact]
    public async Task StartRecovery_ChannelTokenAndABodyThatIsNotProtobuf_MalformedRequest()
    {
        using var raw = new RawGrpc(Factory.Server.CreateHandler(), Factory.Server.BaseAddress);

        var answer = await raw.CallAsync("/recovery.v1.RecoveryService/StartRecovery", RawGrpc.Frame([0x08, 0xFF]), [("authorization", "Bearer " + WebToken)]);

        answer.Is(StatusCode.InvalidArgument, "MALFORMED_REQUEST");
        Assert.Empty(Outbox.All);
    }

    private static string TokenOf(string holder) => holder switch
    {
        "channel" => WebToken,
        "admin" => AdminToken,
        "call-centre" => CallCentreToken,
        _ => throw new ArgumentOutOfRangeException(nameof(holder)),
    };

    private static CallOptions With(string token) =>
        new(new Metadata { { "authorization", "Bearer " + token } }, DateTime.UtcNow + RecoveryApi.Deadline);
}
