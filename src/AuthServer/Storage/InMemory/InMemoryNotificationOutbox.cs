using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// The embedded outbox: a bounded in-process queue. It does not survive a restart; the Redis provider
/// adds that. Flows check for room first; if a race fills it anyway, enqueuing throws the same refusal
/// (having queued none of the call's messages) rather than silently dropping one.
/// </summary>
public sealed class InMemoryNotificationOutbox(IOptions<NotificationOptions> options) : INotificationOutbox, INotificationOutboxReader
{
    private readonly Channel<Notification> queue = Channel.CreateBounded<Notification>(
        new BoundedChannelOptions(options.Value.OutboxCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly Lock writers = new();
    private readonly Dictionary<string, IReadOnlyList<Notification>> held = new(StringComparer.Ordinal);
    private int heldCount;

    public ChannelReader<Notification> Reader => queue.Reader;

    private long deferred;

    // Held messages are counted like deferred ones: their room is reserved, so releasing them can never find the queue full.
    public bool HasRoomFor(int messages) =>
        queue.Reader.Count + Interlocked.Read(ref deferred) + Volatile.Read(ref heldCount) + messages <= options.Value.OutboxCapacity;

    public long Backlog => queue.Reader.Count + Interlocked.Read(ref deferred) + Volatile.Read(ref heldCount);

    public ValueTask EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        // Writers take turns so that the room checked is the room written into; the reader only ever
        // makes more room, so every write below succeeds once the check has passed.
        lock (writers)
        {
            this.EnsureRoomFor(notifications.Count);

            foreach (var notification in notifications)
            {
                // A decoy takes the room check, and so the refusal of a full outbox, exactly like a message (a full
                // outbox answers an unknown card as it answers a known one), but is not queued: nothing would ever
                // send it, and the dispatcher's time and the outbox's room go to messages that are sent.
                if (notification.Decoy)
                {
                    continue;
                }

                if (!queue.Writer.TryWrite(notification))
                {
                    throw new InvalidOperationException("The outbox refused a write it had room for.");
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    // In memory a held change lives and dies with the process, like the stores it changes, so no node
    // ever has to settle another's: the flow releases or drops what it held.
    public ValueTask HoldAsync(string changeId, string customerId, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        lock (writers)
        {
            if (held.ContainsKey(changeId))
            {
                return ValueTask.CompletedTask;
            }

            this.EnsureRoomFor(notifications.Count);

            held[changeId] = notifications;
            heldCount += notifications.Count;
        }

        return ValueTask.CompletedTask;
    }

    public Task ReleaseAsync(string changeId, CancellationToken cancellationToken)
    {
        lock (writers)
        {
            if (!held.Remove(changeId, out var notifications))
            {
                return Task.CompletedTask;
            }

            heldCount -= notifications.Count;
            foreach (var notification in notifications)
            {
                if (!queue.Writer.TryWrite(notification))
                {
                    throw new InvalidOperationException("The outbox refused a write whose room was reserved.");
                }
            }
        }

        return Task.CompletedTask;
    }

    // Nothing in memory hears a change's announcement: the flow's call is the release.
    public Task ReleaseAnnouncedAsync(string changeId, CancellationToken cancellationToken) => ReleaseAsync(changeId, cancellationToken);

    public Task DropAsync(string changeId, CancellationToken cancellationToken)
    {
        lock (writers)
        {
            if (held.Remove(changeId, out var notifications))
            {
                heldCount -= notifications.Count;
            }
        }

        return Task.CompletedTask;
    }


    // A message put back (deferred) keeps its id: the SMS delivery record of a message is found by it.
    public async ValueTask<QueuedNotification> DequeueAsync(CancellationToken cancellationToken)
    {
        var notification = await queue.Reader.ReadAsync(cancellationToken);
        return new(notification.MessageId is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N"), notification with { MessageId = string.Empty }, 1);
    }

    // Nothing to delete: a message read from the channel is already gone from it.
    public Task AcknowledgeAsync(QueuedNotification message, CancellationToken cancellationToken) => Task.CompletedTask;

    // Only called when the process is stopping, which loses the whole in-memory queue anyway; put back
    // if there is room so a host that keeps running (tests) still delivers it.
    public Task RetryAsync(QueuedNotification message, CancellationToken cancellationToken)
    {
        lock (writers)
        {
            queue.Writer.TryWrite(message.Notification with { MessageId = message.Id });
        }

        return Task.CompletedTask;
    }

    // Held aside for the delay (counted in the backlog, so the room it takes is not given away), then queued again.
    // Real time on purpose: waiting for a provider to come back is pacing, not domain time.
    public Task DeferAsync(QueuedNotification message, TimeSpan delay, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref deferred);
        _ = Task.Delay(delay, CancellationToken.None).ContinueWith(
            _ =>
            {
                lock (writers)
                {
                    Interlocked.Decrement(ref deferred);
                    queue.Writer.TryWrite(message.Notification with { MessageId = message.Id });
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        return Task.CompletedTask;
    }
}
