using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.Client;
using Recovery.Client.CommandLine;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// A server with channel tokens configured, through a real channel: RecoveryService and AccessService
/// answer only calls that carry a channel's token, and the token, not the caller's word, names the
/// channel. A refused call sends and changes nothing; health, reflection and DirectoryService keep
/// their own rules.
/// </summary>
public sealed class ChannelAuthenticationTests : IntegrationTest
{
    private static readonly string WebToken = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string MobileToken = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly string OldWebToken = Convert.ToBase64String(Enumerable.Range(201, 32).Select(i => (byte)i).ToArray());

    public ChannelAuthenticationTests()
        : base(new ServerOptions(Settings: new Dictionary<string, string>
        {
            ["Channels:Tokens:web:0"] = WebToken,
            ["Channels:Tokens:web:1"] = OldWebToken,
            ["Channels:Tokens:mobile:0"] = MobileToken,
        }))
    {
    }

    [Fact]
    public async Task StartRecovery_NoToken_UnauthenticatedAuditedAndNothingSent()
    {
        var error = await RefusedAsync(() => Api.StartAsync(DemoCustomer.Seed));

        error.Is(StatusCode.Unauthenticated, "CHANNEL_TOKEN_INVALID");
        Assert.Empty(Outbox.All);
        var refused = Assert.Single(Audit.Events);
        Assert.Equal(("channel.authenticate", "token_invalid", "unknown"), (refused.Action, refused.Outcome, refused.Channel));
    }

    [Fact]
    public async Task StartRecovery_WrongOrMalformedToken_SameRefusalAndNothingSent()
    {
        foreach (var header in new[] { "Bearer " + WebToken[..^2] + "AA", "Bearer ", "Basic " + WebToken, WebToken, "Bearer " + Guid.NewGuid() })
        {
            var recovery = new RecoveryService.RecoveryServiceClient(Api.Channel.Intercept(m => With(m, "authorization", header)));

            var error = await RefusedAsync(() => RecoveryApi.CallAsync(recovery.StartRecoveryAsync(Start(DemoCustomer.Seed), RecoveryApi.Options())));

            error.Is(StatusCode.Unauthenticated, "CHANNEL_TOKEN_INVALID");
        }

        Assert.Empty(Outbox.All);
    }

    [Fact]
    public async Task WholeFlow_WebToken_CompletesAndEveryStepIsAuditedAsWeb()
    {
        var (recovery, access) = Clients(WebToken);

        var started = await RecoveryApi.CallAsync(recovery.StartRecoveryAsync(Start(DemoCustomer.Seed), RecoveryApi.Options()));
        var code = Outbox.Single(0, NotificationTemplates.RecoveryCode).Values[CodeKey];
        var mark = Outbox.Count;
        await RecoveryApi.CallAsync(recovery.ConfirmRecoveryAsync(new ConfirmRecoveryRequest { RecoveryId = started.RecoveryId, Code = code }, RecoveryApi.Options()));
        var temporary = Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];
        var login = await RecoveryApi.CallAsync(access.LoginAsync(new LoginRequest { UserCode = DemoCustomer.Seed.UserCode, Password = temporary }, RecoveryApi.Options()));

        Assert.Equal(LoginResponse.ResultOneofCase.PasswordChangeRequired, login.ResultCase);
        Assert.NotEmpty(Audit.Events);
        Assert.All(Audit.Events, e => Assert.Equal("web", e.Channel));
    }

    [Fact]
    public async Task StartRecovery_RotatedTokenAndMatchingChannelHeader_Accepted()
    {
        var (recovery, _) = Clients(OldWebToken, channelHeader: "web");

        await RecoveryApi.CallAsync(recovery.StartRecoveryAsync(Start(DemoCustomer.Seed), RecoveryApi.Options()));

        Assert.Single(Outbox.All, n => n.Template == NotificationTemplates.RecoveryCode);
        Assert.Equal("web", Assert.Single(Audit.Of("recovery.start")).Channel);
    }

    [Fact]
    public async Task StartRecovery_WebTokenClaimingIvr_PermissionDeniedAndNothingSent()
    {
        var (recovery, _) = Clients(WebToken, channelHeader: "ivr");

        var error = await RefusedAsync(() => RecoveryApi.CallAsync(recovery.StartRecoveryAsync(Start(DemoCustomer.Seed), RecoveryApi.Options())));

        error.Is(StatusCode.PermissionDenied, "CHANNEL_MISMATCH");
        Assert.Empty(Outbox.All);
        Assert.Equal(("channel_mismatch", "web"), (Assert.Single(Audit.Events).Outcome, Audit.Events[0].Channel));
    }

    [Fact]
    public async Task AccessService_NoToken_Unauthenticated()
    {
        var error = await RefusedAsync(() => Api.EvaluateAsync("Nube#Verde!2031"));

        error.Is(StatusCode.Unauthenticated, "CHANNEL_TOKEN_INVALID");
    }

    [Fact]
    public async Task IdempotentRetry_WithoutToken_IsRefusedNotReplayed()
    {
        var (recovery, _) = Clients(WebToken);
        static CallOptions Keyed() => new(new Metadata { { "x-idempotency-key", "retry-key_0001" } }, DateTime.UtcNow + RecoveryApi.Deadline);
        await RecoveryApi.CallAsync(recovery.StartRecoveryAsync(Start(DemoCustomer.Seed), Keyed()));

        var anonymous = new RecoveryService.RecoveryServiceClient(Api.Channel);
        var error = await RefusedAsync(() => RecoveryApi.CallAsync(anonymous.StartRecoveryAsync(Start(DemoCustomer.Seed), Keyed())));

        error.Is(StatusCode.Unauthenticated, "CHANNEL_TOKEN_INVALID");
        Assert.Single(Outbox.All);
    }

    [Fact]
    public async Task HealthAndDirectory_NoChannelToken_KeepTheirOwnRules()
    {
        var health = await RecoveryApi.CallAsync(new Health.HealthClient(Api.Channel).CheckAsync(new HealthCheckRequest(), RecoveryApi.Options()));
        var directory = new DirectoryClient(Api.Channel, SyntheticCustomer.DevAdminToken);
        var status = await directory.GetCustomerStatusAsync(new GetCustomerStatusRequest { UserCode = DemoCustomer.Seed.UserCode });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(DemoCustomer.Seed.UserCode, status.UserCode);
    }

    [Fact]
    public async Task AuthClientEvaluate_ChannelTokenOption_AnsweredAndWithoutIt_Refused()
    {
        var (withToken, stdout, stderr) = await RunCliAsync("evaluate", "--password", "Nube#Verde!2031", "--channel-token", MobileToken, "--no-input");
        var (withoutToken, _, refusal) = await RunCliAsync("evaluate", "--password", "Nube#Verde!2031", "--no-input");

        Assert.True(withToken == 0, $"exit {withToken}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Equal(1, withoutToken);
        Assert.Contains("CHANNEL_TOKEN_INVALID", refusal, StringComparison.Ordinal);
    }

    private (RecoveryService.RecoveryServiceClient Recovery, AccessService.AccessServiceClient Access) Clients(string token, string? channelHeader = null)
    {
        var invoker = Api.Channel.Intercept(m =>
        {
            With(m, "authorization", "Bearer " + token);
            return channelHeader is null ? m : With(m, "x-channel", channelHeader);
        });
        return (new RecoveryService.RecoveryServiceClient(invoker), new AccessService.AccessServiceClient(invoker));
    }

    private static Metadata With(Metadata metadata, string key, string value)
    {
        metadata.Add(key, value);
        return metadata;
    }

    private static StartRecoveryRequest Start(DemoCustomer customer) => new()
    {
        CardNumber = customer.Card,
        CardExpiry = customer.Expiry,
        DocumentId = customer.Document,
        CaptchaToken = DemoCustomer.Captcha,
    };
}
