using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Hands every notification to the real outbox, then records it (in memory or Redis, as configured). The flows enqueue
/// before the RPC answers, so right after a call the record says exactly what that call sent:
/// "nothing was sent" is checked deterministically, without waiting for the background dispatcher.
/// </summary>
internal sealed class RecordingOutbox(INotificationOutbox inner) : INotificationOutbox
{
    private readonly Lock gate = new();
    private readonly List<Notification> recorded = [];
    private readonly Dictionary<string, IReadOnlyList<Notification>> held = new(StringComparer.Ordinal);
    private int decoys;

    /// <summary>Decoy messages enqueued (never sent: the dispatcher drops them), which <see cref="All"/> leaves out.</summary>
    public int Decoys
    {
        get
        {
            lock (gate)
            {
                return decoys;
            }
        }
    }

    /// <summary>How many notifications were enqueued so far; a mark for <see cref="Since"/>.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return recorded.Count;
            }
        }
    }

    public IReadOnlyList<Notification> All => Since(0);

    public IReadOnlyList<Notification> Since(int mark)
    {
        lock (gate)
        {
            return recorded.Skip(mark).ToArray();
        }
    }

    /// <summary>The one notification of <paramref name="template"/> enqueued after <paramref name="mark"/>.</summary>
    public Notification Single(int mark, string template) => Assert.Single(Since(mark), n => n.Template == template);

    public bool HasRoomFor(int messages) => inner.HasRoomFor(messages);

    public long Backlog => inner.Backlog;

    public async ValueTask EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        // Recorded once the real outbox took them: a refused batch was not sent.
        await inner.EnqueueAsync(notifications, cancellationToken);
        lock (gate)
        {
            recorded.AddRange(notifications.Where(n => !n.Decoy));
            decoys += notifications.Count(n => n.Decoy);
        }
    }

    public async ValueTask EnqueueCommittedAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        await inner.EnqueueCommittedAsync(notifications, cancellationToken);
        lock (gate)
        {
            recorded.AddRange(notifications.Where(n => !n.Decoy));
            decoys += notifications.Count(n => n.Decoy);
        }
    }

    /// <summary>Held messages are recorded when released, as that is when they were sent.</summary>
    public async ValueTask HoldAsync(string changeId, string customerId, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        await inner.HoldAsync(changeId, customerId, notifications, cancellationToken);
        lock (gate)
        {
            held.TryAdd(changeId, notifications);
        }
    }

    public async Task ReleaseAsync(string changeId, CancellationToken cancellationToken)
    {
        await inner.ReleaseAsync(changeId, cancellationToken);
        lock (gate)
        {
            if (held.Remove(changeId, out var notifications))
            {
                recorded.AddRange(notifications);
            }
        }
    }

    /// <summary>Recorded as a release: the change's announcement makes the held messages deliverable (on Redis a dispatcher sends them).</summary>
    public async Task ReleaseAnnouncedAsync(string changeId, CancellationToken cancellationToken)
    {
        await inner.ReleaseAnnouncedAsync(changeId, cancellationToken);
        lock (gate)
        {
            if (held.Remove(changeId, out var notifications))
            {
                recorded.AddRange(notifications);
            }
        }
    }

    public async Task DropAsync(string changeId, CancellationToken cancellationToken)
    {
        await inner.DropAsync(changeId, cancellationToken);
        lock (gate)
        {
            held.Remove(changeId);
        }
    }

    /// <summary>Recorded as a drop: nothing of the change is sent (on Redis a dispatcher deletes the held messages).</summary>
    public async Task DropAnnouncedAsync(string changeId, CancellationToken cancellationToken)
    {
        await inner.DropAnnouncedAsync(changeId, cancellationToken);
        lock (gate)
        {
            held.Remove(changeId);
        }
    }
}
