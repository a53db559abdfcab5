using Grpc.Core;
using Grpc.Net.Client;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// StartRecovery with a siteverify captcha (reCAPTCHA v2/v3, hCaptcha, Turnstile) against a real HTTP server
/// on loopback that speaks the protocol: what is accepted, what is rejected (CAPTCHA_REJECTED), and that every
/// way the provider can fail refuses the step (UNAVAILABLE, CAPTCHA_UNAVAILABLE), never lets it through.
/// </summary>
public sealed class CaptchaSiteverifyTests : IAsyncLifetime
{
    private const string Action = "recover";
    private readonly List<(RecoveryServerFactory Factory, RecoveryApi Api)> nodes = [];
    private SiteverifyServer provider = null!;

    public async Task InitializeAsync() => provider = await SiteverifyServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var (factory, api) in nodes)
        {
            api.Dispose();
            await factory.DisposeAsync().AsTask().WaitAsync(RecoveryApi.Timeout);
        }

        await provider.DisposeAsync();
    }

    [Theory]
    [InlineData("ReCaptchaV2")]
    [InlineData("HCaptcha")]
    [InlineData("Turnstile")]
    public async Task StartRecovery_ValidToken_CodeSentAndProviderAskedWithSecretAndNoAddress(string kind)
    {
        var node = StartNode(kind);
        var token = provider.Issue(SiteverifyServer.Success());

        await StartAsync(node, token, channel: "web", address: "203.0.113.7");

        Assert.Single(node.Factory.Outbox.All, n => n.Template == NotificationTemplates.RecoveryCode);
        var request = Assert.Single(provider.Requests);
        Assert.Equal(SiteverifyServer.Secret, request["secret"]);
        Assert.Equal(token, request["response"]);

        // "web" is not configured as trusted to report the customer's address: it is not forwarded.
        Assert.False(request.ContainsKey("remoteip"));
    }

    [Fact]
    public async Task StartRecovery_TrustedChannel_ForwardsTheClientAddress()
    {
        var node = StartNode("Turnstile", ("Captcha:TrustedAddressChannels:0", "web"));

        await StartAsync(node, provider.Issue(SiteverifyServer.Success()), channel: "web", address: "203.0.113.7");
        await StartAsync(node, provider.Issue(SiteverifyServer.Success()), channel: "mobile", address: "203.0.113.8");

        var requests = provider.Requests.ToArray();
        Assert.Equal("203.0.113.7", requests[0]["remoteip"]);
        Assert.False(requests[1].ContainsKey("remoteip"));
    }

    [Fact]
    public async Task StartRecovery_V3GoodScoreAndAction_CodeSent()
    {
        var node = StartNode("ReCaptchaV3");

        await StartAsync(node, provider.Issue(SiteverifyServer.Success(score: 0.9, action: Action)));

        Assert.Single(node.Factory.Outbox.All, n => n.Template == NotificationTemplates.RecoveryCode);
    }

    public static TheoryData<string, string, string> Rejections => new()
    {
        { "ReCaptchaV2", SiteverifyServer.Success(hostname: "attacker.example.com"), "hostname" },
        { "Turnstile", SiteverifyServer.Success(hostname: "attacker.example.com"), "hostname" },
        { "ReCaptchaV3", SiteverifyServer.Success(score: 0.3, action: Action), "score" },
        { "ReCaptchaV3", "{\"success\":true,\"hostname\":\"banca.example.es\",\"action\":\"recover\"}", "score" },
        { "ReCaptchaV3", SiteverifyServer.Success(score: 0.9, action: "login"), "action" },
        { "ReCaptchaV2", SiteverifyServer.Failure("timeout-or-duplicate"), "error-codes" },
        { "HCaptcha", SiteverifyServer.Failure("invalid-input-response"), "error-codes" },
        { "HCaptcha", "{\"success\":false}", "not-success" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task StartRecovery_ProviderSaysNo_CaptchaRejectedAndNothingSent(string kind, string answer, string detail)
    {
        var node = StartNode(kind);

        var error = await RpcError.FromAsync(() => StartAsync(node, provider.Issue(answer)));

        error.Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");
        Assert.Equal("captcha_token", error.Violation("captcha_token").Field);
        AssertNothingStarted(node, "captcha_rejected", detail);
    }

    [Fact]
    public async Task StartRecovery_TurnstileWithExpectedActionAndAnotherAction_CaptchaRejected()
    {
        var node = StartNode("Turnstile", ("Captcha:Siteverify:ExpectedAction", Action));

        (await RpcError.FromAsync(() => StartAsync(node, provider.Issue(SiteverifyServer.Success(action: "newsletter")))))
            .Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");

        AssertNothingStarted(node, "captcha_rejected", "action");
        await StartAsync(node, provider.Issue(SiteverifyServer.Success(action: Action)));
        Assert.Single(node.Factory.Outbox.All, n => n.Template == NotificationTemplates.RecoveryCode);
    }

    [Fact]
    public async Task StartRecovery_UnknownToken_CaptchaRejected()
    {
        var node = StartNode("ReCaptchaV2");

        (await RpcError.FromAsync(() => StartAsync(node, "never-issued"))).Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");

        AssertNothingStarted(node, "captcha_rejected", "error-codes");
    }

    public static TheoryData<int, string, int, string> Outages => new()
    {
        { 500, "{\"success\":true,\"hostname\":\"banca.example.es\"}", 0, "status" },
        { 503, "busy", 0, "status" },
        { 200, "<html>captive portal</html>", 0, "garbage" },
        { 200, "{\"hostname\":\"banca.example.es\"}", 0, "garbage" },
        { 200, "{\"success\":\"true\",\"hostname\":\"banca.example.es\"}", 0, "garbage" },
        { 200, SiteverifyServer.Failure("invalid-input-secret"), 0, "provider-error" },
        { 200, SiteverifyServer.Failure("internal-error"), 0, "provider-error" },
        { 200, SiteverifyServer.Success(), 15_000, "timeout" },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task StartRecovery_ProviderFails_UnavailableAndNothingSent(int status, string body, int delayMs, string detail)
    {
        var node = StartNode("ReCaptchaV2", ("Captcha:Siteverify:Timeout", "00:00:02"));
        provider.Fault = new SiteverifyFault(status, body, TimeSpan.FromMilliseconds(delayMs));

        var error = await RpcError.FromAsync(() => StartAsync(node, provider.Issue(SiteverifyServer.Success())));

        error.Is(StatusCode.Unavailable, "CAPTCHA_UNAVAILABLE");
        Assert.NotNull(error.RetryDelay);
        AssertNothingStarted(node, "captcha_unavailable", detail);
    }

    [Fact]
    public async Task StartRecovery_ProviderRefusesConnections_UnavailableAndNothingSent()
    {
        var node = StartNode("Turnstile", ("Captcha:Siteverify:Endpoint", SiteverifyServer.Refusing().ToString()));

        (await RpcError.FromAsync(() => StartAsync(node, provider.Issue(SiteverifyServer.Success())))).Is(StatusCode.Unavailable, "CAPTCHA_UNAVAILABLE");

        AssertNothingStarted(node, "captcha_unavailable", "unreachable");
    }

    [Fact]
    public async Task StartRecovery_TokenReplayed_SecondRejectedThoughTheProviderAcceptsIt()
    {
        var node = StartNode("Turnstile");
        var token = provider.Issue(SiteverifyServer.Success());
        await StartAsync(node, token);
        var mark = node.Factory.Outbox.Count;

        (await RpcError.FromAsync(() => StartAsync(node, token))).Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");

        // The provider was asked and said yes both times (as Turnstile may within its idempotency window): our record refused it.
        Assert.Equal(2, provider.Requests.Count);
        Assert.Equal(mark, node.Factory.Outbox.Count);
        Assert.Equal("replayed", node.Factory.Audit.Of("recovery.start")[^1].Detail);
    }

    [Fact]
    public async Task StartRecovery_TokenReplayedToAnotherNodeSharingRedis_Rejected()
    {
        await using var redis = await RedisServer.StartAsync();
        var prefix = RedisServerFixture.UniquePrefix();
        var a = StartNode("ReCaptchaV2", redis: (redis.Configuration, prefix));
        var b = StartNode("ReCaptchaV2", redis: (redis.Configuration, prefix));
        var token = provider.Issue(SiteverifyServer.Success());

        await StartAsync(a, token);
        var error = await RpcError.FromAsync(() => StartAsync(b, token));

        error.Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");
        AssertNothingStarted(b, "captcha_rejected", "replayed");

        // Another token still passes on B: the refusal was the replay, not the node.
        await StartAsync(b, provider.Issue(SiteverifyServer.Success()));
        Assert.Single(b.Factory.Outbox.All, n => n.Template == NotificationTemplates.RecoveryCode);
    }

    private static void AssertNothingStarted((RecoveryServerFactory Factory, RecoveryApi Api) node, string outcome, string detail)
    {
        Assert.Empty(node.Factory.Outbox.All);
        var audited = Assert.Single(node.Factory.Audit.Of("recovery.start"));
        Assert.Equal((outcome, detail), (audited.Outcome, audited.Detail));
    }

    private static Task<StartRecoveryResponse> StartAsync((RecoveryServerFactory Factory, RecoveryApi Api) node, string token, string channel = "web", string address = "203.0.113.7")
    {
        var customer = DemoCustomer.Seed;
        var headers = new Metadata { { "x-channel", channel }, { "x-client-address", address } };
        return RecoveryApi.CallAsync(node.Api.Recovery.StartRecoveryAsync(
            new StartRecoveryRequest { CardNumber = customer.Card, CardExpiry = customer.Expiry, DocumentId = customer.Document, CaptchaToken = token },
            new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline)));
    }

    private (RecoveryServerFactory Factory, RecoveryApi Api) StartNode(
        string kind, (string Key, string Value)? extra = null, (string Configuration, string KeyPrefix)? redis = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Captcha:Provider"] = kind,
            ["Captcha:Siteverify:Secret"] = SiteverifyServer.Secret,
            ["Captcha:Siteverify:Endpoint"] = provider.Endpoint.ToString(),
            ["Captcha:Siteverify:ExpectedHostnames:0"] = SiteverifyServer.Hostname,
        };
        if (kind == "ReCaptchaV3")
        {
            settings["Captcha:Siteverify:ExpectedAction"] = Action;
        }

        if (extra is { } setting)
        {
            settings[setting.Key] = setting.Value;
        }

        var factory = new RecoveryServerFactory(new ServerOptions(Redis: redis, Settings: settings));
        var api = new RecoveryApi(GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }));
        nodes.Add((factory, api));
        return (factory, api);
    }
}
