using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Sessions;
using Recovery.V1;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The flows on the Redis provider against a real redis-server: the whole flow, two nodes sharing one
/// Redis, races decided by the atomic scripts, Redis taken away mid-flow, and what ends up stored.
/// Each test has its own redis-server (some stop it) and its own key prefix.
/// </summary>
public sealed class RedisFlowTests : IAsyncLifetime
{
    private const string NewPassword = DemoCustomer.NewPassword;
    private readonly string prefix = RedisServerFixture.UniquePrefix();
    private readonly List<(RecoveryServerFactory Factory, RecoveryApi Api)> nodes = [];
    private RedisServer redis = null!;

    public async Task InitializeAsync() => redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var (factory, api) in nodes)
        {
            api.Dispose();
            await factory.DisposeAsync().AsTask().WaitAsync(RecoveryApi.Timeout);
        }

        await redis.DisposeAsync();
    }

    [Fact]
    public async Task WholeFlow_OnRedis_NewPasswordInForce()
    {
        var node = StartNode();
        var (ticket, temporary) = await RecoverAndLogInAsync(node, node, DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(node, ticket, temporary);

        Assert.Equal(OperationState.Signed, (await node.Api.SignAsync(operation.OperationId, code)).State);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await node.Api.LoginAsync(DemoCustomer.Seed.UserCode, NewPassword)).ResultCase);
    }

    [Fact]
    public async Task WholeFlow_HoppingBetweenTwoNodes_CompletesAndLimitsAreShared()
    {
        var a = StartNode();
        var b = StartNode(defaultRateLimits: false);

        // Started on A, confirmed on B, logged in on A, changed on B, signed on A, logged in on B.
        var (ticket, temporary) = await RecoverAndLogInAsync(a, b, DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(b, ticket, temporary);
        Assert.Equal(OperationState.Signed, (await a.Api.SignAsync(operation.OperationId, code)).State);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await b.Api.LoginAsync(DemoCustomer.Seed.UserCode, NewPassword)).ResultCase);

        // Wrong logins counted on both nodes add up to one block.
        for (var i = 0; i < 4; i++)
        {
            var node = i % 2 == 0 ? a : b;
            (await RpcError.FromAsync(() => node.Api.LoginAsync(DemoCustomer.Maria.UserCode, "Nope#Nope#1234"))).Is(StatusCode.Unauthenticated, "INVALID_CREDENTIALS");
        }

        (await RpcError.FromAsync(() => b.Api.LoginAsync(DemoCustomer.Maria.UserCode, "Nope#Nope#1234"))).Is(StatusCode.PermissionDenied, "CREDENTIALS_BLOCKED");
        (await RpcError.FromAsync(() => a.Api.LoginAsync(DemoCustomer.Maria.UserCode, "Girasol%Norte58"))).Is(StatusCode.PermissionDenied, "CREDENTIALS_BLOCKED");
    }

    [Fact]
    public async Task RateLimits_SharedByTwoNodes()
    {
        var a = StartNode(defaultRateLimits: true);
        var b = StartNode(defaultRateLimits: true);

        // The default per-card limit is 5 an hour, whichever node takes the calls.
        for (var i = 0; i < 5; i++)
        {
            await (i % 2 == 0 ? a : b).Api.StartAsync(DemoCustomer.John);
        }

        var limited = await RpcError.FromAsync(() => a.Api.StartAsync(DemoCustomer.John));
        limited.Is(StatusCode.ResourceExhausted, "RATE_LIMITED");
        Assert.NotNull(limited.RetryDelay);
    }

    [Fact]
    public async Task ConfirmRecovery_FiftyParallelWithTheRightCodeOverTwoNodes_ExactlyOneSucceeds()
    {
        var a = StartNode();
        var b = StartNode();
        var mark = a.Factory.Outbox.Count;
        var started = await a.Api.StartAsync(DemoCustomer.Seed);
        var code = a.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values["code"];

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Outcome(() => (i % 2 == 0 ? a : b).Api.ConfirmAsync(started.RecoveryId, code))));

        Assert.Equal(1, results.Count(r => r == "OK"));
        Assert.All(results.Where(r => r != "OK"), r => Assert.Equal("CODE_ALREADY_USED", r));
    }

    [Fact]
    public async Task ConfirmRecovery_TwoHundredParallelWrongCodesOverTwoNodes_ExactlyTheConfiguredNumberEvaluated()
    {
        var a = StartNode();
        var b = StartNode();
        var mark = a.Factory.Outbox.Count;
        var started = await a.Api.StartAsync(DemoCustomer.Seed);
        var wrong = Other(a.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values["code"]);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Outcome(() => (i % 2 == 0 ? a : b).Api.ConfirmAsync(started.RecoveryId, wrong))));

        // 3 wrong tries burn the code: exactly 2 answered "incorrect, tries left", 1 "burned", and every
        // later try met a burned code without being evaluated against it.
        Assert.Equal(2, results.Count(r => r == "CODE_INCORRECT"));
        Assert.Equal(198, results.Count(r => r == "CODE_BURNED"));
        Assert.DoesNotContain("OK", results);
    }

    [Fact]
    public async Task RedisStoppedMidFlow_UnavailableAndNotServing_ThenTheSameFlowCompletesWithoutRestart()
    {
        // This test's Redis persists every write (appendfsync always), as production's should, so
        // what was stored before the crash is there after it.
        await redis.DisposeAsync();
        redis = await RedisServer.StartAsync(persistent: true);
        var node = StartNode();
        var mark = node.Factory.Outbox.Count;
        var started = await node.Api.StartAsync(DemoCustomer.Seed);
        var code = node.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values["code"];

        await redis.StopAsync();
        mark = node.Factory.Outbox.Count;
        (await RpcError.FromAsync(() => node.Api.ConfirmAsync(started.RecoveryId, code))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");
        (await RpcError.FromAsync(() => node.Api.StartAsync(DemoCustomer.Maria))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");
        (await RpcError.FromAsync(() => node.Api.LoginAsync(DemoCustomer.Maria.UserCode, "Girasol%Norte58"))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");
        Assert.Empty(node.Factory.Outbox.Since(mark));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await HealthAsync(node));

        await redis.StartAgainAsync();
        await WaitUntilServingAsync(node);

        // The refused confirmation changed nothing: the same code still confirms, and the flow ends.
        mark = node.Factory.Outbox.Count;
        await node.Api.ConfirmAsync(started.RecoveryId, code);
        var temporary = node.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];
        var ticket = (await node.Api.LoginAsync(DemoCustomer.Seed.UserCode, temporary)).PasswordChangeRequired.ChangeTicket;
        var (operation, signing) = await OpenChangeAsync(node, ticket, temporary);
        Assert.Equal(OperationState.Signed, (await node.Api.SignAsync(operation.OperationId, signing)).State);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await node.Api.LoginAsync(DemoCustomer.Seed.UserCode, NewPassword)).ResultCase);
    }

    [Fact]
    public async Task AfterAFullFlow_NothingSecretStoredAndEveryKeyWithoutTtlIsDurable()
    {
        var node = StartNode();
        var (ticket, temporary) = await RecoverAndLogInAsync(node, node, DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(node, ticket, temporary);
        await node.Api.SignAsync(operation.OperationId, code);
        await node.Api.LoginAsync(DemoCustomer.Seed.UserCode, NewPassword);

        using var connection = await redis.ConnectAsync();
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var db = connection.GetDatabase();
        var secrets = new[] { DemoCustomer.Seed.Card, DemoCustomer.Maria.Card, DemoCustomer.John.Card, temporary, NewPassword, code, "Antigua#Clave42", ticket };
        var keys = server.Keys(pattern: prefix + "*", pageSize: 1000).ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            var text = key.ToString() + "\n" + await DumpAsync(db, key);
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{key} holds a secret in clear.");
            }

            // PTTL -1: the key exists without a TTL. -2 is a key that expired since the scan (a rate-limit bucket
            // lives about a second): it had a TTL, which is what this checks. KeyTimeToLiveAsync says null for both.
            if ((long)await db.ExecuteAsync("PTTL", key) == -1)
            {
                Assert.True(IsDurable(key.ToString()[prefix.Length..]), $"{key} has no TTL but is not a durable record.");
            }
        }
    }

    // Durable records: customers, their credentials, history and authenticator ({c:…}), the indexes
    // that find them by user code ({u:…}) and card ({k:…}:customer), and the outbox (messages must
    // survive until delivered; they are encrypted).
    private static bool IsDurable(string key) =>
        key.StartsWith("{c:", StringComparison.Ordinal) || key.StartsWith("{u:", StringComparison.Ordinal) ||
        (key.StartsWith("{k:", StringComparison.Ordinal) && key.EndsWith("}:customer", StringComparison.Ordinal)) ||
        key.StartsWith("{outbox", StringComparison.Ordinal);

    private static async Task<string> DumpAsync(IDatabase db, RedisKey key)
    {
        var type = await db.KeyTypeAsync(key);
        return type switch
        {
            RedisType.String => (string?)await db.StringGetAsync(key) ?? string.Empty,
            RedisType.Hash => string.Join("\n", (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}")),
            RedisType.List => string.Join("\n", (await db.ListRangeAsync(key)).Select(v => v.ToString())),
            RedisType.Set => string.Join("\n", (await db.SetMembersAsync(key)).Select(v => v.ToString())),
            RedisType.SortedSet => string.Join("\n", (await db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{e.Element}={e.Score}")),
            _ => string.Empty,
        };
    }

    private (RecoveryServerFactory Factory, RecoveryApi Api) StartNode(bool defaultRateLimits = false)
    {
        var factory = new RecoveryServerFactory(new ServerOptions(DefaultRateLimits: defaultRateLimits, Redis: (redis.Configuration, prefix)));
        var api = new RecoveryApi(GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }));
        nodes.Add((factory, api));
        return (factory, api);
    }

    private static async Task<(string Ticket, string Temporary)> RecoverAndLogInAsync(
        (RecoveryServerFactory Factory, RecoveryApi Api) first, (RecoveryServerFactory Factory, RecoveryApi Api) second, DemoCustomer customer)
    {
        var mark = first.Factory.Outbox.Count;
        var started = await first.Api.StartAsync(customer);
        var code = first.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values["code"];
        mark = second.Factory.Outbox.Count;
        var confirmed = await second.Api.ConfirmAsync(started.RecoveryId, code);
        Assert.Equal(customer.Phone[..3], confirmed.MaskedPhone[..3]);
        var temporary = second.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];
        var login = await first.Api.LoginAsync(customer.UserCode, temporary);
        return (login.PasswordChangeRequired.ChangeTicket, temporary);
    }

    private static async Task<(Operation Operation, string Code)> OpenChangeAsync((RecoveryServerFactory Factory, RecoveryApi Api) node, string ticket, string temporary)
    {
        var mark = node.Factory.Outbox.Count;
        var operation = (await node.Api.ChangePasswordAsync(ticket, temporary, NewPassword)).Operation;
        return (operation, node.Factory.Outbox.Single(mark, NotificationTemplates.OperationCode).Values["code"]);
    }

    private static async Task<string> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return "OK";
        }
        catch (RpcException ex)
        {
            return ex.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason ?? ex.StatusCode.ToString();
        }
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync((RecoveryServerFactory Factory, RecoveryApi Api) node)
    {
        var health = new Health.HealthClient(GrpcChannel.ForAddress(node.Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = node.Factory.Server.CreateHandler() }));
        return (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(20))).Status;
    }

    private static async Task WaitUntilServingAsync((RecoveryServerFactory Factory, RecoveryApi Api) node)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await HealthAsync(node) == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The node did not report SERVING after Redis came back.");
    }

    private static string Other(string code) =>
        ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}
