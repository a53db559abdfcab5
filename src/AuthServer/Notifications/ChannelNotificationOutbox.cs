using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The embedded outbox: a bounded in-process queue. It does not survive a restart; the Redis provider
/// adds that. Flows check <see cref="HasRoomFor"/> first; if a race fills it anyway, enqueuing throws
/// rather than silently dropping a message.
/// </summary>
public sealed class ChannelNotificationOutbox(IOptions<NotificationOptions> options) : INotificationOutbox, INotificationOutboxReader
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

    public async ValueTask<QueuedNotification> DequeueAsync(CancellationToken cancellationToken) =>
        new(string.Empty, await queue.Reader.ReadAsync(cancellationToken), 1);

    // Nothing to delete: a message read from the channel is already gone from it.
    public Task AcknowledgeAsync(QueuedNotification message, CancellationToken cancellationToken) => Task.CompletedTask;

    // Only called when the process is stopping, which loses the whole in-memory queue anyway; put back
    // if there is room so a host that keeps running (tests) still delivers it.
    public Task RetryAsync(QueuedNotification message, CancellationToken cancellationToken)
    {
        queue.Writer.TryWrite(message.Notification);
        return Task.CompletedTask;
    }
}
