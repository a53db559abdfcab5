using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Otp;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The self-hosted captcha (ALTCHA) through a real GrpcChannel: challenges from CreateCaptchaChallenge solved by
/// the npm package altcha-lib (an independent implementation) and accepted by StartRecovery; altcha-lib's own
/// challenges under our key accepted too; tampered, expired and reused payloads refused with nothing sent.
/// </summary>
public sealed class CaptchaAltchaTests : IAsyncLifetime
{
    /// <summary>Base64 of 32 bytes; HMAC'd as its UTF-8 text, as altcha-lib does.</summary>
    public const string HmacKey = "q4vJ2m0c8mP3Yx1s9kZt7bR5nW6eH0aL2uF8dG4jK1o=";

    /// <summary>Low, so that altcha-lib's one-hash-per-await loop stays well under a second on a loaded machine.</summary>
    public const int MaxNumber = 2_000;

    private readonly List<(RecoveryServerFactory Factory, RecoveryApi Api)> nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (factory, api) in nodes)
        {
            api.Dispose();
            await factory.DisposeAsync().AsTask().WaitAsync(RecoveryApi.Timeout);
        }
    }

    [Fact]
    public async Task StartRecovery_ServerChallengesSolvedByAltchaLib_AcceptedAndVerifiedByAltchaLib()
    {
        var node = StartNode();
        var challenges = new List<CreateCaptchaChallengeResponse>();
        for (var i = 0; i < 3; i++)
        {
            challenges.Add(await RecoveryApi.CallAsync(node.Api.Recovery.CreateCaptchaChallengeAsync(new CreateCaptchaChallengeRequest(), RecoveryApi.Options())));
        }

        var solved = await AltchaLib.RunAsync(new JsonObject
        {
            ["mode"] = "solve",
            ["challenges"] = new JsonArray([.. challenges.Select(c => (JsonNode)new JsonObject
            {
                ["algorithm"] = c.Algorithm, ["challenge"] = c.Challenge, ["maxnumber"] = c.MaxNumber, ["salt"] = c.Salt, ["signature"] = c.Signature,
            })]),
        });
        var payloads = solved["payloads"]!.AsArray().Select(p => p!.GetValue<string>()).ToArray();

        foreach (var payload in payloads)
        {
            await StartAsync(node, payload);
        }

        Assert.Equal(3, node.Factory.Outbox.All.Count(n => n.Template == NotificationTemplates.RecoveryCode));
        Assert.All(challenges, c =>
        {
            Assert.Equal("SHA-256", c.Algorithm);
            Assert.Equal(MaxNumber, c.MaxNumber);
            Assert.Matches("^[0-9a-f]{24}\\?expires=[0-9]+&$", c.Salt);
        });

        // And the other way round: altcha-lib's verifySolution, with our key, accepts what our server issued.
        var verified = await AltchaLib.RunAsync(new JsonObject { ["mode"] = "verify", ["hmacKey"] = HmacKey, ["payloads"] = new JsonArray([.. payloads.Select(p => (JsonNode)p)]) });
        Assert.All(verified["verified"]!.AsArray(), v => Assert.True(v!.GetValue<bool>()));
    }

    [Fact]
    public async Task StartRecovery_ChallengeCreatedByAltchaLibWithOurKey_Accepted()
    {
        var node = StartNode();

        var created = await AltchaLib.RunAsync(new JsonObject
        {
            ["mode"] = "create",
            ["hmacKey"] = HmacKey,
            ["maxNumber"] = MaxNumber,
            ["expiresSeconds"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
        });
        await StartAsync(node, created["payload"]!.GetValue<string>());

        Assert.Single(node.Factory.Outbox.All, n => n.Template == NotificationTemplates.RecoveryCode);
    }

    [Fact]
    public async Task StartRecovery_ChallengeCreatedByAltchaLibWithAnotherKey_RejectedAndNothingSent()
    {
        var node = StartNode();

        var created = await AltchaLib.RunAsync(new JsonObject
        {
            ["mode"] = "create",
            ["hmacKey"] = "another-key-another-key-another-key-another=",
            ["maxNumber"] = MaxNumber,
            ["expiresSeconds"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
        });

        (await RpcError.FromAsync(() => StartAsync(node, created["payload"]!.GetValue<string>()))).Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");
        AssertNothingStarted(node, "signature");
    }

    [Fact]
    public async Task StartRecovery_PayloadReused_SecondRejectedAndNothingSent()
    {
        var node = StartNode();
        var payload = await SolvedAsync(node);
        await StartAsync(node, payload);
        var mark = node.Factory.Outbox.Count;

        (await RpcError.FromAsync(() => StartAsync(node, payload))).Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");

        Assert.Equal(mark, node.Factory.Outbox.Count);
        Assert.Equal("replayed", node.Factory.Audit.Of("recovery.start")[^1].Detail);
    }

    [Fact]
    public async Task StartRecovery_PayloadRetriedWithItsIdempotencyKey_FirstResponseAndOneSms()
    {
        // The key's claim rides the flow's steps, so the retry meets the captcha's replay guard before the claim's answer:
        // the stored response must still win over the replay refusal, as it did when the claim came before the call.
        var node = StartNode();
        var request = new StartRecoveryRequest
        {
            CardNumber = DemoCustomer.Seed.Card, CardExpiry = DemoCustomer.Seed.Expiry, DocumentId = DemoCustomer.Seed.Document, CaptchaToken = await SolvedAsync(node),
        };

        var first = await RecoveryApi.CallAsync(node.Api.Recovery.StartRecoveryAsync(request, WithKey()));
        var retry = await RecoveryApi.CallAsync(node.Api.Recovery.StartRecoveryAsync(request, WithKey()));

        Assert.Equal(first, retry);
        Assert.Single(node.Factory.Outbox.All, n => n.Template == NotificationTemplates.RecoveryCode);
        Assert.Equal("code_sent", Assert.Single(node.Factory.Audit.Of("recovery.start")).Outcome);

        static CallOptions WithKey() => new(new Metadata { { "x-idempotency-key", "altcha-retry-0001" } }, DateTime.UtcNow + RecoveryApi.Deadline);
    }

    [Fact]
    public async Task StartRecovery_PayloadReusedOnAnotherNodeSharingRedis_Rejected()
    {
        await using var redis = await RedisServer.StartAsync();
        var prefix = RedisServerFixture.UniquePrefix();
        var a = StartNode(redis: (redis.Configuration, prefix));
        var b = StartNode(redis: (redis.Configuration, prefix));
        var payload = await SolvedAsync(a);

        await StartAsync(a, payload);

        (await RpcError.FromAsync(() => StartAsync(b, payload))).Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");
        AssertNothingStarted(b, "replayed");

        // B verifies A's challenges (same key): a fresh one of A's passes on B.
        await StartAsync(b, await SolvedAsync(a));
    }

    public static TheoryData<string, string> Tampering => new()
    {
        { "number", "proof" },
        { "signature", "signature" },
        { "challenge", "signature" },
        { "expires", "proof" },
        { "splice", "expiry-missing" },
        { "algorithm", "algorithm" },
        { "not base64", "malformed" },
        { "not json", "malformed" },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task StartRecovery_TamperedPayload_RejectedAndNothingSent(string tampering, string detail)
    {
        var node = StartNode();
        var challenge = await RecoveryApi.CallAsync(node.Api.Recovery.CreateCaptchaChallengeAsync(new CreateCaptchaChallengeRequest(), RecoveryApi.Options()));
        var number = Solve(challenge);
        var fields = new JsonObject
        {
            ["algorithm"] = challenge.Algorithm, ["challenge"] = challenge.Challenge, ["number"] = number, ["salt"] = challenge.Salt, ["signature"] = challenge.Signature,
        };
        switch (tampering)
        {
            case "number": fields["number"] = number + 1; break;
            case "signature": fields["signature"] = new string('0', 64); break;
            case "challenge": fields["challenge"] = Sha256Hex(challenge.Salt + (number + 1)); fields["number"] = number + 1; break;
            case "expires": fields["salt"] = challenge.Salt.Replace("expires=", "expires=9", StringComparison.Ordinal); break;
            case "splice": // digits of the number moved into the salt: the same hashed text, the salt no longer ends with '&'
                fields["salt"] = challenge.Salt + number.ToString(System.Globalization.CultureInfo.InvariantCulture)[..1];
                fields["number"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture).Length > 1 ? long.Parse(number.ToString(System.Globalization.CultureInfo.InvariantCulture)[1..], System.Globalization.CultureInfo.InvariantCulture) : 0;
                break;
            case "algorithm": fields["algorithm"] = "SHA-512"; break;
        }

        var payload = tampering switch
        {
            "not base64" => "%%%not-base64%%%",
            "not json" => Convert.ToBase64String("{\"algorithm\":"u8),
            _ => Convert.ToBase64String(Encoding.UTF8.GetBytes(fields.ToJsonString())),
        };

        (await RpcError.FromAsync(() => StartAsync(node, payload))).Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");
        AssertNothingStarted(node, detail);
    }

    [Fact]
    public async Task StartRecovery_ChallengeExpired_RejectedAndNothingSent()
    {
        var node = StartNode(fakeTime: true);
        var payload = await SolvedAsync(node);

        node.Factory.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        (await RpcError.FromAsync(() => StartAsync(node, payload))).Is(StatusCode.InvalidArgument, "CAPTCHA_REJECTED");
        AssertNothingStarted(node, "expired");
    }

    [Fact]
    public async Task CreateCaptchaChallenge_ProviderIsNotAltcha_FailedPrecondition()
    {
        var factory = new RecoveryServerFactory(ServerOptions.Default);
        var api = new RecoveryApi(GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }));
        nodes.Add((factory, api));

        (await RpcError.FromAsync(() => RecoveryApi.CallAsync(api.Recovery.CreateCaptchaChallengeAsync(new CreateCaptchaChallengeRequest(), RecoveryApi.Options()))))
            .Is(StatusCode.FailedPrecondition, "CAPTCHA_CHALLENGE_NOT_OFFERED");
    }

    private static void AssertNothingStarted((RecoveryServerFactory Factory, RecoveryApi Api) node, string detail)
    {
        Assert.Empty(node.Factory.Outbox.All);
        var audited = Assert.Single(node.Factory.Audit.Of("recovery.start"));
        Assert.Equal(("captcha_rejected", detail), (audited.Outcome, audited.Detail));
    }

    /// <summary>A challenge of <paramref name="node"/>, solved here (the client's solver).</summary>
    private static async Task<string> SolvedAsync((RecoveryServerFactory Factory, RecoveryApi Api) node)
    {
        var challenge = await RecoveryApi.CallAsync(node.Api.Recovery.CreateCaptchaChallengeAsync(new CreateCaptchaChallengeRequest(), RecoveryApi.Options()));
        return Client.AltchaSolver.Solve(challenge) ?? throw new InvalidOperationException("No solution.");
    }

    private static long Solve(CreateCaptchaChallengeResponse challenge) =>
        Enumerable.Range(0, (int)challenge.MaxNumber + 1).First(n => Sha256Hex(challenge.Salt + n) == challenge.Challenge);

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static Task<StartRecoveryResponse> StartAsync((RecoveryServerFactory Factory, RecoveryApi Api) node, string payload) =>
        node.Api.StartAsync(DemoCustomer.Seed.Card, DemoCustomer.Seed.Expiry, DemoCustomer.Seed.Document, payload);

    private (RecoveryServerFactory Factory, RecoveryApi Api) StartNode(bool fakeTime = false, (string Configuration, string KeyPrefix)? redis = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Captcha:Provider"] = "Altcha",
            ["Captcha:Altcha:HmacKey"] = HmacKey,
            ["Captcha:Altcha:MaxNumber"] = MaxNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var factory = new RecoveryServerFactory(new ServerOptions(FakeTime: fakeTime, Redis: redis, Settings: settings));
        var api = new RecoveryApi(GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }));
        nodes.Add((factory, api));
        return (factory, api);
    }
}
