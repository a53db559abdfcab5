using Grpc.Core;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// A decoy's message (an unknown card, a wrong document, a blocked procedure) is checked for room like a real one and
/// refused alike by a full outbox, but is not stored: a stream of unknown cards neither fills the outbox nor gives its
/// dispatcher work (issue 11: at c=64 on Redis, synthetic unknown cards were refused OUTBOX_FULL by the thousand).
/// Run once per storage provider by the sealed subclasses; the background dispatcher is removed, so whatever an RPC
/// queued stays counted in the backlog.
/// </summary>
public abstract class DecoyOutboxTests : IntegrationTest
{
    private const int Capacity = 100;

    private static readonly DemoCustomer Maria = DemoCustomer.Maria;

    private protected DecoyOutboxTests(ServerOptions options)
        : base(options with
        {
            Settings = new Dictionary<string, string> { ["Notifications:OutboxCapacity"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Services = RedisTripProxy.WithoutBackgroundReaders,
        })
    {
    }

    [Fact]
    public async Task StartRecovery_MoreUnknownCardsThanTheOutboxHolds_AllAnsweredAndNothingLeftForTheDispatcher()
    {
        // Beyond the capacity: were decoys stored, the last ones would be refused OVERLOADED.
        for (var i = 0; i < Capacity + 20; i++)
        {
            await Api.StartAsync(SyntheticCustomer.Card(i), SyntheticCustomer.Expiry, SyntheticCustomer.Document(i));
        }

        Assert.Equal(Capacity + 20, Outbox.Decoys);
        Assert.Equal(0, Outbox.Backlog);
        Assert.Empty(Outbox.All);

        // A known card's message is stored, counted and waits for the dispatcher as before.
        await Api.StartAsync(Maria);

        Assert.Equal(1, Outbox.Backlog);
        Assert.Single(Outbox.All, n => n.To == Maria.Phone);
    }

    [Fact]
    public async Task StartRecovery_OutboxFull_UnknownCardRefusedExactlyLikeAKnownOneAndNothingChanged()
    {
        for (var i = 0; i < Capacity; i++)
        {
            await Outbox.EnqueueAsync(Filler(i), CancellationToken.None).AsTask().WaitAsync(RecoveryApi.Timeout);
        }

        var mark = Outbox.Count;
        var decoys = Outbox.Decoys;

        var known = await StatusOfAsync(() => Api.StartAsync(Maria));
        var unknown = await StatusOfAsync(() => Api.StartAsync(SyntheticCustomer.Card(999), SyntheticCustomer.Expiry, SyntheticCustomer.Document(999)));
        var wrongDocument = await StatusOfAsync(() => Api.StartAsync(Maria.Card, Maria.Expiry, SyntheticCustomer.Document(999)));

        Assert.Equal(StatusCode.Unavailable, (StatusCode)known.Code);
        Assert.Equal(known, unknown);
        Assert.Equal(known, wrongDocument);
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(decoys, Outbox.Decoys);
        Assert.Equal(Capacity, Outbox.Backlog);
    }

    // A real message (not a decoy) to another customer's phone: what fills the outbox under a burst of known cards.
    private static Notification Filler(int i) =>
        new(NotificationChannel.Sms, SyntheticCustomer.Phone(i), NotificationTemplates.RecoveryCode, new Dictionary<string, string> { ["code"] = "123456" }, "text", "es-ES");

    private static async Task<Google.Rpc.Status> StatusOfAsync(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(RecoveryApi.Timeout));
        return ex.GetRpcStatus() ?? throw new InvalidOperationException("No google.rpc.Status in the trailers.");
    }
}
