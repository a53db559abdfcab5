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
public sealed class RedisSignOperationEmailTests : IntegrationTest, IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);
    private static readonly DemoCustomer Seed = DemoCustomer.Seed;
    private readonly string sinkPath;
    private readonly RedisServer server;
    private readonly string prefix;

    public RedisSignOperationEmailTests(RedisServerFixture fixture)
        : this(fixture, Path.Combine(Path.GetTempPath(), "sign-email-" + Guid.NewGuid().ToString("N") + ".jsonl"), RedisServerFixture.UniquePrefix())
    {
    }

    private RedisSignOperationEmailTests(RedisServerFixture fixture, string sinkPath, string prefix)
        : base(new ServerOptions(DevSinkPath: sinkPath, Redis: (fixture.Server.Configuration, prefix)))
    {
        this.sinkPath = sinkPath;
        server = fixture.Server;
        this.prefix = prefix;
    }

    [Fact]
    public async Task SignOperation_RightCode_TheDispatcherDeliversTheHeldEmailOnTheCommitsAnnouncement()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var sink = new DevSinkReader(sinkPath);
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
        var sink = new DevSinkReader(sinkPath);
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

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(sinkPath);
    }

    // The outcome recorded for the operation's change (RedisCustomerStore.ChangeKey), or null.
    private async Task<string?> FenceAsync(string operationId)
    {
        await using var connection = await server.ConnectAsync().WaitAsync(RecoveryApi.Timeout);
        return await connection.GetDatabase().StringGetAsync(prefix + "{c:" + Seed.Id + "}:chg:op:" + operationId).WaitAsync(RecoveryApi.Timeout);
    }

    // Released or deleted by the dispatcher that heard the commit's announcement. Waited for (the dispatcher works after
    // the reply), within the delivery timeout.
    private async Task NoHoldLeftAsync()
    {
        await using var connection = await server.ConnectAsync().WaitAsync(RecoveryApi.Timeout);
        var deadline = DateTime.UtcNow + DeliveryTimeout;
        while (Keys(connection, prefix + "{outbox*}:h:*").Length > 0 || await HeldCountAsync(connection) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "A held e-mail was never settled.");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private async Task<long> HeldCountAsync(ConnectionMultiplexer connection)
    {
        var db = connection.GetDatabase();
        var counts = await Task.WhenAll(Keys(connection, prefix + "{outbox*}:heldn").Select(k => db.StringGetAsync(k))).WaitAsync(RecoveryApi.Timeout);
        return counts.Sum(c => c.IsNull ? 0 : (long)c);
    }

    private static RedisKey[] Keys(ConnectionMultiplexer connection, string pattern) =>
        connection.GetServer(connection.GetEndPoints()[0]).Keys(pattern: pattern, pageSize: 1000).ToArray();

    // The node's dispatcher subscribes to the outbox's channel as it starts, beside the test's first calls: the signature
    // is made once it listens, so that its announcement cannot be missed on a slow machine.
    private async Task DispatcherListeningAsync()
    {
        await using var connection = await server.ConnectAsync().WaitAsync(RecoveryApi.Timeout);
        var channel = prefix + "outbox:announce";
        var deadline = DateTime.UtcNow + DeliveryTimeout;
        while ((long)((RedisResult[])(await connection.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel).WaitAsync(RecoveryApi.Timeout))!)[1] < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "The node's dispatcher never subscribed to " + channel);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
