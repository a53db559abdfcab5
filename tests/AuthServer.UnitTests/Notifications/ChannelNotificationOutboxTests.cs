using Microsoft.Extensions.Options;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.UnitTests.Notifications;

public class ChannelNotificationOutboxTests
{
    private static Notification Sms(int i) =>
        new(NotificationChannel.Sms, "+34600000000", NotificationTemplates.RecoveryCode, new Dictionary<string, string> { ["code"] = i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) }, "text", "es-ES");

    [Fact]
    public async Task HasRoomFor_FillsToCapacity_ThenRefusesAndEnqueueThrows()
    {
        var outbox = new ChannelNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 100 }));
        for (var i = 0; i < 99; i++)
        {
            await outbox.EnqueueAsync(Sms(i), CancellationToken.None);
        }

        Assert.True(outbox.HasRoomFor(1));
        Assert.False(outbox.HasRoomFor(2));

        await outbox.EnqueueAsync(Sms(99), CancellationToken.None);
        Assert.False(outbox.HasRoomFor(1));
        await Assert.ThrowsAsync<OutboxFullException>(() => outbox.EnqueueAsync(Sms(100), CancellationToken.None).AsTask());
        Assert.Equal(100, outbox.Reader.Count);
    }

    [Fact]
    public async Task HasRoomFor_AfterTheDispatcherReads_HasRoomAgain()
    {
        var outbox = new ChannelNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 100 }));
        for (var i = 0; i < 100; i++)
        {
            await outbox.EnqueueAsync(Sms(i), CancellationToken.None);
        }

        Assert.True(outbox.Reader.TryRead(out var first));
        Assert.Equal("000000", first.Values["code"]);
        Assert.True(outbox.HasRoomFor(1));
    }
}
