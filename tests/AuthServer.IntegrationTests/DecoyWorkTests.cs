using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using ICustomerStore = Recovery.AuthServer.Customers.ICustomerStore;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// A decoy does the work a real recovery does: the same store calls in the same order (recorded by a counting
/// decorator around every store interface, the rate limiter and the outbox) and, on Redis, the same commands
/// sent to redis-server. Timing cannot tell a customer's card from a stranger's if the work is the same.
/// Run once per storage provider by the sealed subclasses; the background dispatcher is removed, so every
/// recorded call is one the RPC made.
/// </summary>
public abstract class DecoyWorkTests : IntegrationTest
{
    private static readonly DemoCustomer Maria = DemoCustomer.Maria;
    private static readonly (string Card, string Expiry, string Document) UnknownCard = ("4000000000000002", "12/29", "00000000T");

    private protected DecoyWorkTests(StoreCalls calls, ServerOptions options)
        : base(options with { Services = calls.Install })
    {
        Calls = calls;
    }

    private protected StoreCalls Calls { get; }

    [Fact]
    public async Task StartRecovery_KnownCardUnknownCardWrongDocumentBlockedProcedure_SameWork()
    {
        // Warm-up: the first call of a kind loads scripts and fills caches that later calls do not need.
        await Api.StartAsync(Maria);
        await Api.StartAsync(UnknownCard.Card, UnknownCard.Expiry, UnknownCard.Document);
        await Factory.Services.GetRequiredService<ICustomerStore>().BlockRecoveryAsync(DemoCustomer.John.Id, Time.GetUtcNow(), TimeSpan.FromHours(1), TimeSpan.FromDays(7), CancellationToken.None).WaitAsync(RecoveryApi.Timeout);
        var sent = Outbox.Count;
        var decoys = Outbox.Decoys;

        var real = await WorkOfAsync(() => Api.StartAsync(Maria));
        var unknown = await WorkOfAsync(() => Api.StartAsync(UnknownCard.Card, UnknownCard.Expiry, UnknownCard.Document));
        var wrongDocument = await WorkOfAsync(() => Api.StartAsync(Maria.Card, Maria.Expiry, UnknownCard.Document));
        var blocked = await WorkOfAsync(() => Api.StartAsync(DemoCustomer.John));

        Assert.Contains(real, w => w.StartsWith("INotificationOutbox.EnqueueAsync", StringComparison.Ordinal));
        Assert.Equal(real, unknown);
        Assert.Equal(real, wrongDocument);
        Assert.Equal(real, blocked);

        // Only the customer's own phone hears of it: one SMS sent, three decoys dropped unsent.
        Assert.Single(Outbox.Since(sent), n => n.Template == NotificationTemplates.RecoveryCode && n.To == Maria.Phone);
        Assert.Equal(decoys + 3, Outbox.Decoys);
    }

    [Fact]
    public async Task ResendRecoveryCode_RealAndDecoyRecovery_SameWork()
    {
        var warmUp = await Api.StartAsync(DemoCustomer.John);
        var real = await Api.StartAsync(Maria);
        var decoy = await Api.StartAsync(UnknownCard.Card, UnknownCard.Expiry, UnknownCard.Document);
        Time.Advance(TimeSpan.FromSeconds(30));
        await Api.ResendAsync(warmUp.RecoveryId);
        var sent = Outbox.Count;

        var realWork = await WorkOfAsync(() => Api.ResendAsync(real.RecoveryId));
        var decoyWork = await WorkOfAsync(() => Api.ResendAsync(decoy.RecoveryId));

        Assert.Contains(realWork, w => w.StartsWith("INotificationOutbox.EnqueueAsync", StringComparison.Ordinal));
        Assert.Equal(realWork, decoyWork);
        Assert.Single(Outbox.Since(sent));
    }

    [Fact]
    public async Task ConfirmRecovery_FiveWrongCodesOnRealAndDecoyRecovery_SameWorkIncludingTheBlock()
    {
        // Warm-up on a third card, through its block.
        await FiveWrongCodesAsync((await Api.StartAsync(DemoCustomer.John)).RecoveryId);
        var real = await Api.StartAsync(Maria);
        var decoy = await Api.StartAsync(UnknownCard.Card, UnknownCard.Expiry, UnknownCard.Document);

        var realWork = await WorkOfAsync(() => FiveWrongCodesAsync(real.RecoveryId));
        var decoyWork = await WorkOfAsync(() => FiveWrongCodesAsync(decoy.RecoveryId));

        Assert.Contains(realWork, w => w.StartsWith("ICustomerStore.BlockRecoveryAsync", StringComparison.Ordinal));
        Assert.Equal(realWork, decoyWork);
    }

    /// <summary>What <paramref name="call"/> made the stores do: the calls in order (and, on Redis, the commands).</summary>
    private protected virtual async Task<IReadOnlyList<string>> WorkOfAsync(Func<Task> call)
    {
        var mark = Calls.Count;
        await call();
        return Calls.Since(mark);
    }

    private async Task FiveWrongCodesAsync(string recoveryId)
    {
        for (var i = 0; i < 5; i++)
        {
            // "000000" is wrong for a decoy always and for a real recovery but once in a million draws.
            await RpcError.FromAsync(() => Api.ConfirmAsync(recoveryId, i < 3 ? "000000" : "000001"));
            if (i == 2)
            {
                Time.Advance(TimeSpan.FromSeconds(30));
                await Api.ResendAsync(recoveryId);
            }
        }
    }
}
