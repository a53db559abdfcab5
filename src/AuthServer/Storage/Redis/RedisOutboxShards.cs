namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// What one node knows of the outbox's shards: each shard's backlog (for the room check and the choice of a shard
/// to enqueue into), whether it may hold pending messages (worth a dequeue), and its next deadline (the earliest lease
/// end or hold settle time in it). Fed by the results of this node's own scripts and by the state every node's scripts
/// publish; read by the reader loops (one or several per node: <c>Notifications:DispatchConcurrency</c>), which sleep on
/// <see cref="WaitAsync"/> until one of them is worth a look; a shard's pending flag is taken by one loop at a time, and
/// a take that leaves messages behind sets it again and wakes another.
/// </summary>
internal sealed class RedisOutboxShards : IDisposable
{
    private const long None = long.MaxValue;

    private readonly Lock gate = new();
    private readonly long[] backlog;
    private readonly long[] capacity;
    private readonly bool[] dirty;
    private readonly long[] deadline;
    private readonly SemaphoreSlim wake = new(0, int.MaxValue);
    private int cursor;
    private int pickCursor;
    // Until when each sleeping reader loop sleeps (Unix ms), under the gate. Several loops of one node's dispatcher read
    // through one outbox (NotificationOptions.DispatchConcurrency): one that wakes must not make a deadline forget the
    // others still asleep. An awake loop is not in it (it reads the deadlines before sleeping).
    private readonly List<long> sleepers = [];
    private volatile bool known;

    public RedisOutboxShards(int shards, int totalCapacity)
    {
        backlog = new long[shards];
        dirty = new bool[shards];
        deadline = new long[shards];
        Array.Fill(deadline, None);

        // The capacity is divided so that the shards' bounds add up to it exactly: each script enforces its own.
        capacity = new long[shards];
        for (var s = 0; s < shards; s++)
        {
            capacity[s] = (totalCapacity / shards) + (s < totalCapacity % shards ? 1 : 0);
        }
    }

    public int Count => backlog.Length;

    /// <summary>
    /// Whether every shard's state has been read since this node started or its subscription was last restored.
    /// Until then a shard it has not heard of counts as empty and is looked at once.
    /// </summary>
    public bool Known
    {
        get => known;
        set => known = value;
    }

    public long Capacity(int shard) => capacity[shard];

    public long Total
    {
        get
        {
            lock (gate)
            {
                return backlog.Sum();
            }
        }
    }

    /// <summary>A step's messages share one shard, so they fit if one shard has room for all of them.</summary>
    public bool HasRoomFor(int messages)
    {
        lock (gate)
        {
            for (var s = 0; s < backlog.Length; s++)
            {
                if (backlog[s] + messages <= capacity[s])
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The shard to enqueue into: the one with the most room as this node sees it (ties taken in turn, so that nodes
    /// spread their writes). The first try always gets a shard, since the script is the exact bound and this view may
    /// be behind; a retry after a refusal (<paramref name="tried"/> holds the shards already refusing) only goes to a
    /// shard believed to have room, else -1.
    /// </summary>
    public int PickFor(int messages, int tried)
    {
        lock (gate)
        {
            var start = pickCursor++ & int.MaxValue;
            var best = -1;
            var bestRoom = long.MinValue;
            for (var i = 0; i < backlog.Length; i++)
            {
                var s = (start + i) % backlog.Length;
                var room = capacity[s] - backlog[s];
                if ((tried & (1 << s)) == 0 && room > bestRoom)
                {
                    (best, bestRoom) = (s, room);
                }
            }

            return tried == 0 || bestRoom >= messages ? best : -1;
        }
    }

    /// <summary>
    /// A shard's state as a script left it: its backlog, how many messages wait in it (above zero, a reader should
    /// look), its earliest deadline in Unix milliseconds (negative: none).
    /// </summary>
    public void Update(int shard, long shardBacklog, long pending, long deadlineMs)
    {
        if ((uint)shard >= (uint)backlog.Length)
        {
            // Published by a node configured with more shards: this node does not read that shard.
            return;
        }

        bool signal;
        lock (gate)
        {
            backlog[shard] = shardBacklog;
            var next = deadlineMs < 0 ? None : deadlineMs;
            // A deadline only wakes a reader asleep past it: not one awake (it reads the deadlines before it sleeps), nor
            // one asleep until sooner (a lease just taken ends minutes from now). With several sleeping, the signal
            // wakes one of them, which reads every deadline again.
            signal = pending > 0 || (next < deadline[shard] && next < LatestSleeper());
            deadline[shard] = next;
            dirty[shard] |= pending > 0;
        }

        if (signal)
        {
            Signal();
        }
    }

    public void MarkDirty(int shard)
    {
        lock (gate)
        {
            dirty[shard] = true;
        }

        Signal();
    }

    public void MarkAllDirty()
    {
        lock (gate)
        {
            Array.Fill(dirty, true);
        }

        Signal();
    }

    /// <summary>
    /// A shard that may hold pending messages, its flag cleared first: news that arrives while the caller looks at it
    /// sets the flag again, so none is lost between the look and the clearing.
    /// </summary>
    public bool TryTakeDirty(out int shard)
    {
        lock (gate)
        {
            for (var i = 0; i < dirty.Length; i++)
            {
                var s = (cursor + i) % dirty.Length;
                if (dirty[s])
                {
                    dirty[s] = false;
                    cursor = s + 1;
                    shard = s;
                    return true;
                }
            }
        }

        shard = -1;
        return false;
    }

    /// <summary>
    /// Shards whose deadline has passed (a lease ran out, a hold is due): each is marked to be looked at and its
    /// deadline forgotten until the scripts run on it report the next one.
    /// </summary>
    public List<int> TakeDue(long nowMs)
    {
        var due = new List<int>();
        lock (gate)
        {
            for (var s = 0; s < deadline.Length; s++)
            {
                if (deadline[s] <= nowMs)
                {
                    deadline[s] = None;
                    dirty[s] = true;
                    due.Add(s);
                }
            }
        }

        return due;
    }

    /// <summary>The earliest deadline of any shard, in Unix milliseconds; <see cref="long.MaxValue"/> if none.</summary>
    public long NextDeadline()
    {
        lock (gate)
        {
            return deadline.Min();
        }
    }

    public void Signal()
    {
        if (wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    /// <summary>
    /// Sleeps until something is signalled or <paramref name="until"/> comes, by <paramref name="time"/>'s clock (a
    /// test's fake clock fires it when advanced past it). No Redis command is sent while sleeping.
    /// </summary>
    public async Task WaitAsync(DateTimeOffset until, TimeProvider time, CancellationToken cancellationToken)
    {
        var wait = until - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new CancellationTokenSource(wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);

        // The clock may have moved between reading it and arming the timer (a test advancing it): then the timer is
        // armed from the new time and would fire late, so look again now.
        if (time.GetUtcNow() >= until)
        {
            return;
        }

        var untilMs = until.ToUnixTimeMilliseconds();
        lock (gate)
        {
            sleepers.Add(untilMs);
        }

        try
        {
            // A deadline that came in between reading them and saying until when it sleeps did not signal: look again.
            if (NextDeadline() < until.ToUnixTimeMilliseconds())
            {
                return;
            }

            await wake.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The deadline came.
        }
        finally
        {
            lock (gate)
            {
                sleepers.Remove(untilMs);
            }
        }
    }

    // Under the gate: the latest time any reader loop sleeps until, long.MinValue if none sleeps.
    private long LatestSleeper()
    {
        var latest = long.MinValue;
        foreach (var until in sleepers)
        {
            latest = Math.Max(latest, until);
        }

        return latest;
    }

    public void Dispose() => wake.Dispose();
}
