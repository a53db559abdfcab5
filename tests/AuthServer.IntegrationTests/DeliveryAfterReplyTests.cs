using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// StartRecovery only enqueues its SMS; the dispatcher delivers it after the reply. A sender that never
/// returns must therefore not hold any reply, for a known card or a decoy: if delivery ran inside the call,
/// how long the reply took would tell a known card from an unknown one.
/// </summary>
public sealed class DeliveryAfterReplyTests : IntegrationTest
{
    private const string UnknownCard = "4000000000000002"; // Luhn-valid, in no directory

    private readonly BlockingSmsSender sender;

    public DeliveryAfterReplyTests()
        : this(new BlockingSmsSender())
    {
    }

    private DeliveryAfterReplyTests(BlockingSmsSender sender)
        : base(new ServerOptions(Services: services => services.AddSingleton<INotificationSender>(sender)))
    {
        this.sender = sender;
    }

    public override async Task DisposeAsync()
    {
        // Let the dispatcher out of the blocked send, so the server stops without waiting on it.
        sender.Release();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task StartRecovery_SmsSenderNeverReturns_KnownAndUnknownCardAnswerAlikeWhileTheSendIsBlocked()
    {
        // The first known card's SMS reaches the sender and stays there: the reply came back all the same.
        var mark = Outbox.Count;
        var first = await Api.StartAsync(DemoCustomer.Seed);
        var firstSms = Outbox.Single(mark, NotificationTemplates.RecoveryCode);
        var blocked = await sender.Entered.WaitAsync(RecoveryApi.Timeout);
        Assert.Equal((DemoCustomer.Seed.Phone, firstSms.Values[CodeKey]), (blocked.To, blocked.Values[CodeKey]));
        Assert.False(string.IsNullOrEmpty(first.RecoveryId));

        // With the dispatcher stuck inside that send, a known card and an unknown one both answer, alike.
        mark = Outbox.Count;
        var decoysBefore = Outbox.Decoys;
        var known = await Api.StartAsync(DemoCustomer.Maria);
        var decoy = await Api.StartAsync(UnknownCard, "12/29", "12345678Z");
        Assert.Equal(0, sender.Completed);

        var knownSms = Outbox.Single(mark, NotificationTemplates.RecoveryCode);
        Assert.Equal(DemoCustomer.Maria.Phone, knownSms.To);
        Assert.Equal(decoysBefore + 1, Outbox.Decoys);
        Assert.Equal(known.RecoveryId.Length, decoy.RecoveryId.Length);
        Assert.NotEqual(known.RecoveryId, decoy.RecoveryId);
        Assert.Equal(known.CodeExpireTime, decoy.CodeExpireTime);
        Assert.Equal(known.ResendAvailableTime, decoy.ResendAvailableTime);
        Assert.Equal(known.ResendsRemaining, decoy.ResendsRemaining);
        Assert.Equal(known.CalculateSize(), decoy.CalculateSize());
        Assert.Equal(Fields(known), Fields(decoy));

        // Released, the sender delivers what was waiting: both SMS, in either order (the second may be inside another of
        // the dispatcher's loops, Notifications:DispatchConcurrency); never the decoy's.
        sender.Release();
        var delivered = new[] { await sender.NextDeliveredAsync(), await sender.NextDeliveredAsync() };
        Assert.Equal(
            new[] { (DemoCustomer.Seed.Phone, firstSms.Values[CodeKey]), (DemoCustomer.Maria.Phone, knownSms.Values[CodeKey]) }.Order(),
            delivered.Select(n => (n.To, n.Values[CodeKey])).Order());
    }

    private static string[] Fields(IMessage message) =>
        message.Descriptor.Fields.InFieldNumberOrder()
            .Where(f => !Equals(f.Accessor.GetValue(message), f.Accessor.GetValue((IMessage)Activator.CreateInstance(message.GetType())!)))
            .Select(f => f.Name)
            .ToArray();

    /// <summary>An SMS route that holds every message until <see cref="Release"/>, then records it as delivered.</summary>
    private sealed class BlockingSmsSender : INotificationSender
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<Notification> entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<Notification> delivered = Channel.CreateUnbounded<Notification>();
        private int completed;

        /// <summary>The first message handed to this sender.</summary>
        public Task<Notification> Entered => entered.Task;

        /// <summary>How many sends have returned.</summary>
        public int Completed => Volatile.Read(ref completed);

        public bool Delivers(NotificationChannel channel) => channel == NotificationChannel.Sms;

        public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            entered.TrySetResult(notification);
            await released.Task.WaitAsync(cancellationToken);
            Interlocked.Increment(ref completed);
            delivered.Writer.TryWrite(notification);
        }

        public void Release() => released.TrySetResult();

        public async Task<Notification> NextDeliveredAsync() =>
            await delivered.Reader.ReadAsync().AsTask().WaitAsync(RecoveryApi.Timeout);
    }
}
