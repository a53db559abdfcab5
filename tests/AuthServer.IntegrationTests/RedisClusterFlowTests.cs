using Grpc.Net.Client;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Sessions;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>The whole flow, two nodes hopping, on a three-master Redis Cluster: every script's keys share one slot.</summary>
public sealed class RedisClusterFlowTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>, IAsyncLifetime
{
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
    public async Task WholeFlow_OnClusterHoppingBetweenTwoNodes_NewPasswordInForce()
    {
        var prefix = RedisServerFixture.UniquePrefix();
        var a = StartNode(prefix);
        var b = StartNode(prefix);
        var seed = DemoCustomer.Seed;

        var mark = a.Factory.Outbox.Count;
        var started = await a.Api.StartAsync(seed);
        var code = a.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values["code"];
        mark = b.Factory.Outbox.Count;
        var confirmed = await b.Api.ConfirmAsync(started.RecoveryId, code);
        Assert.Equal("+34 - 6*****331", confirmed.MaskedPhone);
        var temporary = b.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];

        var ticket = (await a.Api.LoginAsync(seed.UserCode, temporary)).PasswordChangeRequired.ChangeTicket;
        mark = b.Factory.Outbox.Count;
        var operation = (await b.Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword)).Operation;
        var signing = b.Factory.Outbox.Single(mark, NotificationTemplates.OperationCode).Values["code"];

        Assert.Equal(OperationState.Signed, (await a.Api.SignAsync(operation.OperationId, signing)).State);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await b.Api.LoginAsync(seed.UserCode, DemoCustomer.NewPassword)).ResultCase);
    }

    private (RecoveryServerFactory Factory, RecoveryApi Api) StartNode(string prefix)
    {
        var factory = new RecoveryServerFactory(new ServerOptions(Redis: (cluster.Configuration, prefix)));
        var api = new RecoveryApi(GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }));
        nodes.Add((factory, api));
        return (factory, api);
    }
}
