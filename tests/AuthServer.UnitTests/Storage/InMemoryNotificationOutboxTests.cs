using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public class InMemoryNotificationOutboxTests
{
    private static Notification Sms(int i) =>
        new(NotificationChannel.Sms, "+34600000000", NotificationTemplates.RecoveryCode, new Dictionary<string, string> { ["code"] = i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) }, "text", "es-ES");

    [Fact]
    public async Task HasRoomFor_FillsToCapacity_ThenRefusesAndEnqueueThrows()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 100 }));
        for (var i = 0; i < 99; i++)
        {
            await outbox.EnqueueAsync(Sms(i), CancellationToken.None);
        }

        Assert.True(outbox.HasRoomFor(1));
        Assert.False(outbox.HasRoomFor(2));

        await outbox.EnqueueAsync(Sms(99), CancellationToken.None);
        Assert.False(outbox.HasRoomFor(1));
        var refused = await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync(Sms(100), CancellationToken.None).AsTask());
        Assert.Same(OutboxFull.Refusal, refused.Failure);
        Assert.Equal(100, outbox.Reader.Count);
    }

    [Fact]
    public async Task EnqueueAsync_MoreDecoysThanTheCapacity_NoneQueuedAndNoRoomTaken()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 100 }));
        for (var i = 0; i < 150; i++)
        {
            await outbox.EnqueueAsync(Sms(i) with { Decoy = true }, CancellationToken.None);
        }

        Assert.Equal(0, outbox.Reader.Count);
        Assert.Equal(0, outbox.Backlog);
        Assert.True(outbox.HasRoomFor(100));
    }

    [Fact]
    public async Task EnqueueAsync_DecoyIntoAFullOutbox_RefusedLikeAMessage()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 100 }));
        for (var i = 0; i < 100; i++)
        {
            await outbox.EnqueueAsync(Sms(i), CancellationToken.None);
        }

        var decoy = await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync(Sms(100) with { Decoy = true }, CancellationToken.None).AsTask());
        var message = await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync(Sms(101), CancellationToken.None).AsTask());

        Assert.Same(OutboxFull.Refusal, decoy.Failure);
        Assert.Same(OutboxFull.Refusal, message.Failure);
        Assert.Equal(100, outbox.Reader.Count);
    }

    [Fact]
    public async Task EnqueueCommittedAsync_AtCapacity_QueuedBeyondItAndCountedLikeAnyMessage()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 4 }));
        for (var i = 0; i < 4; i++)
        {
            await outbox.EnqueueAsync(Sms(i), CancellationToken.None);
        }

        await outbox.EnqueueCommittedAsync([Sms(4), Sms(5)], CancellationToken.None);

        Assert.Equal((6, 6L), (outbox.Reader.Count, outbox.Backlog));
        await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync(Sms(6), CancellationToken.None).AsTask());
        var read = new List<string>();
        while (outbox.Reader.TryRead(out var message))
        {
            read.Add(message.Values["code"]);
        }

        Assert.Equal(["000000", "000001", "000002", "000003", "000004", "000005"], read);
        Assert.True(outbox.HasRoomFor(4));
        Assert.False(outbox.HasRoomFor(5));
    }

    [Fact]
    public async Task HasRoomFor_AfterTheDispatcherReads_HasRoomAgain()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 100 }));
        for (var i = 0; i < 100; i++)
        {
            await outbox.EnqueueAsync(Sms(i), CancellationToken.None);
        }

        Assert.True(outbox.Reader.TryRead(out var first));
        Assert.Equal("000000", first.Values["code"]);
        Assert.True(outbox.HasRoomFor(1));
    }

    [Fact]
    public async Task EnqueueAsync_BatchLargerThanTheRoomLeft_QueuesNoneOfIt()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 100 }));
        for (var i = 0; i < 99; i++)
        {
            await outbox.EnqueueAsync(Sms(i), CancellationToken.None);
        }

        var refused = await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync([Sms(100), Sms(101)], CancellationToken.None).AsTask());
        Assert.Same(OutboxFull.Refusal, refused.Failure);
        Assert.Equal(99, outbox.Reader.Count);

        await outbox.EnqueueAsync([Sms(102)], CancellationToken.None);
        Assert.Equal(100, outbox.Reader.Count);
    }

    [Fact]
    public async Task EnqueueAsync_PairsFromManyThreadsAtTheEdge_NeverSplitsAPair()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 101 }));

        // 200 pairs race for room for 50 pairs and a half: each pair lands whole or not at all.
        var attempts = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            try
            {
                await outbox.EnqueueAsync([Sms(2 * i), Sms((2 * i) + 1)], CancellationToken.None);
                return true;
            }
            catch (FailureException ex) when (OutboxFull.Is(ex))
            {
                return false;
            }
        }));
        var accepted = (await Task.WhenAll(attempts)).Count(ok => ok);

        Assert.Equal(50, accepted);
        var codes = new List<int>();
        while (outbox.Reader.TryRead(out var n))
        {
            codes.Add(int.Parse(n.Values["code"], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(100, codes.Count);
        Assert.All(codes.Where(c => c % 2 == 0), even => Assert.Equal(even + 1, codes[codes.IndexOf(even) + 1]));
    }

    [Fact]
    public async Task EnqueueAsync_SinglesFromManyThreadsAtTheEdge_TakeExactlyTheRoomThereIs()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 50 }));

        // 200 single messages (written without the writers' lock) race for room for 50.
        var attempts = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            try
            {
                await outbox.EnqueueAsync(Sms(i), CancellationToken.None);
                return true;
            }
            catch (FailureException ex) when (OutboxFull.Is(ex))
            {
                return false;
            }
        }));
        var accepted = (await Task.WhenAll(attempts)).Count(ok => ok);

        Assert.Equal(50, accepted);
        Assert.Equal(50, outbox.Reader.Count);
        Assert.Equal(50, outbox.Backlog);
        Assert.False(outbox.HasRoomFor(1));
    }

    [Fact]
    public async Task HoldAsync_HeldMessagesTakeRoomUntilDroppedOrReadAfterTheirRelease()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 4 }));
        await outbox.EnqueueAsync(Sms(0), CancellationToken.None);
        await outbox.HoldAsync("change-1", "c-1", [Sms(1), Sms(2)], CancellationToken.None);

        // Held, not queued: the dispatcher sees one message, the room check sees three taken.
        Assert.Equal(1, outbox.Reader.Count);
        Assert.True(outbox.HasRoomFor(1));
        Assert.False(outbox.HasRoomFor(2));
        await Assert.ThrowsAsync<FailureException>(() => outbox.HoldAsync("change-2", "c-2", [Sms(3), Sms(4)], CancellationToken.None).AsTask());

        await outbox.DropAsync("change-1", CancellationToken.None);
        Assert.True(outbox.HasRoomFor(3));

        await outbox.HoldAsync("change-3", "c-3", [Sms(5), Sms(6)], CancellationToken.None);
        await outbox.ReleaseAsync("change-3", CancellationToken.None);
        Assert.Equal(3, outbox.Reader.Count);
        Assert.False(outbox.HasRoomFor(2));

        // Read, a message gives its room back; the released pair follows the message queued before it.
        var read = new List<string>();
        while (outbox.Reader.TryRead(out var n))
        {
            read.Add(n.Values["code"]);
        }

        Assert.Equal(["000000", "000005", "000006"], read);
        Assert.Equal(0, outbox.Backlog);
        Assert.True(outbox.HasRoomFor(4));
    }

    [Fact]
    public async Task DequeueAsync_GivesTheMessagesRoomBack()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 1 }));
        await outbox.EnqueueAsync(Sms(7), CancellationToken.None);
        Assert.False(outbox.HasRoomFor(1));

        var taken = await outbox.DequeueAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("000007", taken.Notification.Values["code"]);
        Assert.True(outbox.HasRoomFor(1));
        Assert.Equal(0, outbox.Reader.Count);
    }
}
