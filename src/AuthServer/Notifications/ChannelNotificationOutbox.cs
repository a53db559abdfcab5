using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The embedded outbox: a bounded in-process queue. It does not survive a restart; the Redis provider
/// adds that. Flows check <see cref="HasRoomFor"/> first; if a race fills it anyway, enqueuing throws
/// rather than silently dropping a message.
/// </summary>
public sealed class ChannelNotificationOutbox(IOptions<NotificationOptions> options) : INotificationOutbox
{
    private readonly Channel<Notification> queue = Channel.CreateBounded<Notification>(
        new BoundedChannelOptions(options.Value.OutboxCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    public ChannelReader<Notification> Reader => queue.Reader;

    public bool HasRoomFor(int messages) => queue.Reader.Count + messages <= options.Value.OutboxCapacity;

    public ValueTask EnqueueAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (!queue.Writer.TryWrite(notification))
        {
            throw new OutboxFullException();
        }

        return ValueTask.CompletedTask;
    }
}
