using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// The embedded outbox: an in-process queue of at most <see cref="NotificationOptions.OutboxCapacity"/> messages. It
/// does not survive a restart; the Redis provider adds that. Flows check for room first; if a race fills it anyway,
/// enqueuing throws the same refusal (having queued none of the call's messages) rather than silently dropping one.
/// </summary>
/// <remarks>
/// Room is one counter, taken atomically (compare-and-swap) before a message is written and given back when the
/// dispatcher reads it: the messages queued, held for a credential change and deferred, so the capacity is never
/// passed and a batch lands whole or not at all. Why not a lock and a bounded channel (as before): every StartRecovery
/// enqueues one message (a decoy too), and under load the writers' lock, the bounded channel's own lock (taken again
/// by every count) and the reader's wake-up inside them were the in-memory StartRecovery's most contended point. A
/// single message is now written without a lock into the channel (a multi-reader one: the dispatcher reads it from
/// <see cref="NotificationOptions.DispatchConcurrency"/> loops, and the channel gives each message to one of them); a
/// batch of several still takes the writers' lock so that its messages stay together, and the held changes keep it
/// for their dictionary.
/// </remarks>
public sealed class InMemoryNotificationOutbox : INotificationOutbox, INotificationOutboxReader
{
    private readonly Channel<Notification> queue = Channel.CreateUnbounded<Notification>(new UnboundedChannelOptions { SingleReader = false });
    private readonly int capacity;
    private readonly Lock writers = new();
    private readonly Dictionary<string, IReadOnlyList<Notification>> held = new(StringComparer.Ordinal);

    // Room taken: queued + held + deferred. Reserve adds to it against the capacity; a deferred or retried message (room
    // it had a moment before) comes back without that check, as it did into the bounded channel.
    private long reserved;

    // Of which in the channel (what the reader's Count says).
    private long queued;

    public InMemoryNotificationOutbox(IOptions<NotificationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        capacity = options.Value.OutboxCapacity;
        Reader = new CountingReader(this);
    }

    /// <summary>The queue as the dispatcher (and tests) read it: each message read gives its room back.</summary>
    public ChannelReader<Notification> Reader { get; }

    // Held and deferred messages are counted like queued ones: their room is reserved, so releasing them can never find
    // the queue full.
    public bool HasRoomFor(int messages) => Interlocked.Read(ref reserved) + messages <= capacity;

    public long Backlog => Interlocked.Read(ref reserved);

    public ValueTask EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notifications);

        // A decoy takes the room check, and so the refusal of a full outbox, exactly like a message (a full outbox
        // answers an unknown card as it answers a known one), but is not queued: nothing would ever send it, and the
        // dispatcher's time and the outbox's room go to messages that are sent. Its room is given back at once.
        Reserve(notifications.Count);
        if (notifications.Count == 1)
        {
            QueueOrGiveBack(notifications[0]);
            return ValueTask.CompletedTask;
        }

        // Several messages of one call go in one after another, never interleaved with another batch's.
        lock (writers)
        {
            foreach (var notification in notifications)
            {
                QueueOrGiveBack(notification);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask EnqueueCommittedAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notifications);

        // Room taken without the capacity check (INotificationOutbox.EnqueueCommittedAsync), counted like any other.
        lock (writers)
        {
            Interlocked.Add(ref reserved, notifications.Count);
            foreach (var notification in notifications)
            {
                QueueOrGiveBack(notification);
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

            Reserve(notifications.Count);
            held[changeId] = notifications;
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

            // Their room was reserved when they were held: from held to queued, the room taken stays the same.
            foreach (var notification in notifications)
            {
                Write(notification);
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
                Interlocked.Add(ref reserved, -notifications.Count);
            }
        }

        return Task.CompletedTask;
    }

    // Nothing in memory hears a change's announcement: the flow's call is the drop.
    public Task DropAnnouncedAsync(string changeId, CancellationToken cancellationToken) => DropAsync(changeId, cancellationToken);

    // A message put back (deferred) keeps its id: the SMS delivery record of a message is found by it.
    public async ValueTask<QueuedNotification> DequeueAsync(CancellationToken cancellationToken)
    {
        var notification = await Reader.ReadAsync(cancellationToken);
        return new(notification.MessageId is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N"), notification with { MessageId = string.Empty }, 1);
    }

    // Nothing to delete: a message read from the channel is already gone from it.
    public Task AcknowledgeAsync(QueuedNotification message, CancellationToken cancellationToken) => Task.CompletedTask;

    // Only called when the process is stopping, which loses the whole in-memory queue anyway; put back
    // if there is room so a host that keeps running (tests) still delivers it.
    public Task RetryAsync(QueuedNotification message, CancellationToken cancellationToken)
    {
        // What the bounded channel used to decide: the queue itself below its capacity.
        if (Interlocked.Read(ref queued) < capacity)
        {
            Interlocked.Increment(ref reserved);
            Write(message.Notification with { MessageId = message.Id });
        }

        return Task.CompletedTask;
    }

    // Held aside for the delay (counted in the backlog, so the room it takes is not given away), then queued again.
    // Real time on purpose: waiting for a provider to come back is pacing, not domain time.
    public Task DeferAsync(QueuedNotification message, TimeSpan delay, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref reserved);

        // From deferred to queued: the room taken stays the same.
        _ = Task.Delay(delay, CancellationToken.None).ContinueWith(
            _ => Write(message.Notification with { MessageId = message.Id }),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        return Task.CompletedTask;
    }

    /// <summary>Takes room for <paramref name="messages"/> or throws <see cref="OutboxFull"/>'s refusal having taken none.</summary>
    private void Reserve(int messages)
    {
        var taken = Interlocked.Read(ref reserved);
        while (true)
        {
            if (taken + messages > capacity)
            {
                throw OutboxFull.Exception();
            }

            var seen = Interlocked.CompareExchange(ref reserved, taken + messages, taken);
            if (seen == taken)
            {
                return;
            }

            taken = seen;
        }
    }

    private void QueueOrGiveBack(Notification notification)
    {
        if (notification.Decoy)
        {
            Interlocked.Decrement(ref reserved);
        }
        else
        {
            Write(notification);
        }
    }

    // Counted before the write, so the reader never takes a message it has not been counted for.
    private void Write(Notification notification)
    {
        Interlocked.Increment(ref queued);
        if (!queue.Writer.TryWrite(notification))
        {
            throw new InvalidOperationException("The outbox refused a write whose room was reserved.");
        }
    }

    /// <summary>The channel's reader, giving back a message's room as it is read.</summary>
    private sealed class CountingReader(InMemoryNotificationOutbox outbox) : ChannelReader<Notification>
    {
        private readonly ChannelReader<Notification> inner = outbox.queue.Reader;

        public override bool CanCount => true;

        public override int Count => (int)Interlocked.Read(ref outbox.queued);

        public override Task Completion => inner.Completion;

        public override bool TryRead([MaybeNullWhen(false)] out Notification item)
        {
            if (!inner.TryRead(out item))
            {
                return false;
            }

            Interlocked.Decrement(ref outbox.queued);
            Interlocked.Decrement(ref outbox.reserved);
            return true;
        }

        public override bool TryPeek([MaybeNullWhen(false)] out Notification item) => inner.TryPeek(out item);

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => inner.WaitToReadAsync(cancellationToken);
    }
}
