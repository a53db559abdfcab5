using Grpc.Core;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.Client;
using Recovery.V1;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// SignOperation on Redis with the node's own dispatcher: the "password changed" e-mail is held beside the commit (one
/// round trip), and the commit's script announces its outcome whatever it decides, so that the dispatcher that hears it
/// delivers the e-mail of an applied change and deletes the e-mail of a refused (stale) one, with no release or drop
/// sent by the flow. Neither clock moves: the hold's own time never comes, so only the announcement can have settled it.
/// </summary>
public sealed class RedisSignOperationEmailTests : RedisDispatchingTest
{
    private static readonly DemoCustomer Seed = DemoCustomer.Seed;

    public RedisSignOperationEmailTests(RedisServerFixture fixture)
        : base(fixture, "sign-email")
    {
    }

    [Fact]
    public async Task SignOperation_RightCode_TheDispatcherDeliversTheHeldEmailOnTheCommitsAnnouncement()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var sink = new DevSinkReader(SinkPath);
        var mark = sink.Mark();
        await DispatcherListeningAsync();

        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, code)).State);

        var email = await sink.WaitForAsync(mark, NotificationTemplates.PasswordChanged, DeliveryTimeout);
        Assert.Equal(Seed.Email, email.To);
        Assert.Equal("applied", await FenceAsync(operation.OperationId));
        await NoHoldLeftAsync();
    }

    [Fact]
    public async Task SignOperation_CommitRefusedAsStale_NothingDeliveredAndTheHoldDeletedOnTheCommitsAnnouncement()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);
        var (a, codeA) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var (b, codeB) = await OpenChangeAsync(ticket, temporary, DemoCustomer.OtherNewPassword);
        var sink = new DevSinkReader(SinkPath);
        var mark = sink.Mark();
        await DispatcherListeningAsync();
        await Api.SignAsync(a.OperationId, codeA);
        await sink.WaitForAsync(mark, NotificationTemplates.PasswordChanged, DeliveryTimeout);

        (await RefusedAsync(() => Api.SignAsync(b.OperationId, codeB))).Is(StatusCode.FailedPrecondition, "OPERATION_STALE");

        // The stale commit's announcement made the dispatcher decide its change dropped and delete its held e-mail: the
        // only e-mail is the first operation's.
        await NoHoldLeftAsync();
        Assert.Equal("dropped", await FenceAsync(b.OperationId));
        Assert.Single(sink.ReadSince(mark), m => m.Template == NotificationTemplates.PasswordChanged);
    }

    // The outcome recorded for the operation's change (RedisCustomerStore.ChangeKey), or null.
    private async Task<string?> FenceAsync(string operationId)
    {
        await using var connection = await RedisServer.ConnectAsync().WaitAsync(RecoveryApi.Timeout);
        return await connection.GetDatabase().StringGetAsync(Prefix + "{c:" + Seed.Id + "}:chg:op:" + operationId).WaitAsync(RecoveryApi.Timeout);
    }
}
