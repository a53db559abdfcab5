using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Admission control for Argon2: at most <see cref="MaxConcurrency"/> hashes run at once, each on one of the gate's
/// own long-running threads (never a thread-pool thread blocked on CPU work). What waits is admitted by time, not by
/// count: a hash is refused at once (<see cref="HashingRefusals.Saturated"/>, RetryInfo from the queue) when the wait
/// predicted for it (the work ahead of it ÷ the slots × the measured hash time) exceeds the latency target, so that
/// under a burst every admitted caller waits about the target, not the whole queue; the count bound stays as a hard
/// memory cap. Work of a flow that has already paid (<see cref="HashPriority.Paid"/>) is served before fresh work and
/// only the paid work counts ahead of it, so fresh work is shed first. A fresh hash that has nevertheless waited past
/// the sojourn limit (the prediction was wrong: hashes slowed, paid work went ahead) is refused when its turn comes
/// instead of being computed for a caller who has waited too long (CoDel's idea: judge by the time actually spent in
/// the queue). A hash that would finish after the caller's deadline is refused (<see cref="HashingRefusals.Deadline"/>)
/// without being computed; cancelled waiting work leaves the queue. Given a meter factory, the gate reports itself
/// (meter <see cref="RecoveryMeter.Name"/>).
/// </summary>
public sealed class Argon2Gate : IDisposable
{
    // Weight of the newest measurement in the moving average: about the last ten hashes count.
    private const double Smoothing = 0.2;

    // Retries advised beyond this are no better than "later": past it a channel should tell the customer.
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    // How long a refusal counts toward the callers who will come back (an exponential decay's time constant).
    private static readonly TimeSpan RefusalMemory = TimeSpan.FromSeconds(1);

    private readonly object sync = new();
    private readonly LinkedList<WorkItem> paid = new();
    private readonly LinkedList<WorkItem> fresh = new();
    private readonly Thread[] threads;
    private readonly (int ThreadId, int Nice)?[] priorities;
    private readonly TimeProvider time;
    private readonly int maxQueue;
    private readonly TimeSpan? latencyTarget;
    private readonly IRandomSource? random;
    private int running;
    private long computed;
    private long dropped;
    private int peakRunning;
    private bool stopping;
    private double averageTicks;
    private double refusedPaid;
    private double refusedFresh;
    private long refusedAt;

    public Argon2Gate(IOptions<Argon2Options> options, TimeProvider time, IMeterFactory? meterFactory = null, IRandomSource? random = null)
        : this(options.Value.MaxConcurrency, options.Value.EffectiveMaxQueue, time, meterFactory, options.Value.LatencyTarget, random, options.Value.ThreadNice)
    {
    }

    /// <param name="latencyTarget">The most a newcomer is predicted to wait; null admits by <paramref name="maxQueue"/> alone.</param>
    /// <param name="random">Spreads the advised retry delays (up to half as much again); null: exact delays.</param>
    /// <param name="threadNice">Added to the hashing threads' nice value on Linux (<see cref="Argon2Options.ThreadNice"/>); 0 leaves it.</param>
    public Argon2Gate(
        int maxConcurrency, int maxQueue, TimeProvider time, IMeterFactory? meterFactory = null, TimeSpan? latencyTarget = null, IRandomSource? random = null,
        int threadNice = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueue);
        ArgumentOutOfRangeException.ThrowIfNegative(threadNice);
        if (latencyTarget is { } target)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(target, TimeSpan.Zero, nameof(latencyTarget));
        }

        MaxConcurrency = maxConcurrency;
        this.maxQueue = maxQueue;
        this.time = time;
        this.latencyTarget = latencyTarget;
        this.random = random;
        threads = new Thread[maxConcurrency];
        priorities = new (int ThreadId, int Nice)?[maxConcurrency];
        using (var started = new CountdownEvent(maxConcurrency))
        {
            for (var i = 0; i < maxConcurrency; i++)
            {
                var slot = i;
                threads[i] = new Thread(() => Work(slot, threadNice, started)) { IsBackground = true, Name = "argon2-" + i };
                threads[i].Start();
            }

            // Each thread lowers its own priority first (Linux knows a thread's nice value only from inside it or by its
            // kernel id): waiting here means no hash ever runs at the inherited priority, and the ids are known.
            started.Wait();
        }

        if (meterFactory is not null)
        {
            var meter = meterFactory.Create(RecoveryMeter.Name);
            meter.CreateObservableGauge("recovery.argon2.running", () => Running, "{hash}", "Password hashes running now.");
            meter.CreateObservableGauge("recovery.argon2.queued", () => Queued, "{hash}", "Password hashes waiting for the admission gate.");
            meter.CreateObservableCounter("recovery.argon2.computed", () => Computed, "{hash}", "Password hashes computed since start.");
            meter.CreateObservableGauge("recovery.argon2.hash_time", () => AverageHashTime.TotalMilliseconds, "ms", "Moving average of one hash.");
            meter.CreateObservableGauge("recovery.argon2.predicted_wait", () => PredictedWait(HashPriority.Fresh).TotalMilliseconds, "ms",
                "Wait predicted now for a fresh hash; above Passwords:Argon2:LatencyTarget fresh hashes are refused.");
            meter.CreateObservableCounter("recovery.argon2.dropped", () => Dropped, "{hash}",
                "Fresh hashes admitted but refused at their turn, having waited past the sojourn limit.");
        }
    }

    public int MaxConcurrency { get; }

    /// <summary>
    /// Each hashing thread's kernel id and nice value once it started (null where the platform tells neither: not Linux),
    /// for tests and diagnostics.
    /// </summary>
    internal IReadOnlyList<(int ThreadId, int Nice)?> HashingThreads => priorities;

    /// <summary>The wait beyond which a fresh hash waiting its turn is refused instead of computed: twice the latency target.</summary>
    public TimeSpan? SojournLimit => latencyTarget * 2;

    /// <summary>Moving average of measured hash durations; zero until the first hash.</summary>
    public TimeSpan AverageHashTime
    {
        get
        {
            lock (sync)
            {
                return TimeSpan.FromTicks((long)averageTicks);
            }
        }
    }

    /// <summary>Most hashes ever seen running at once (for tests and diagnostics).</summary>
    public int PeakConcurrency
    {
        get
        {
            lock (sync)
            {
                return peakRunning;
            }
        }
    }

    /// <summary>
    /// Hashes computed since start (the start-up hash included). Counts the work itself, so a test or an
    /// operator can check that every kind of failed login costs the same number of hashes.
    /// </summary>
    public long Computed
    {
        get
        {
            lock (sync)
            {
                return computed;
            }
        }
    }

    /// <summary>Fresh hashes refused at their turn for having waited past <see cref="SojournLimit"/>.</summary>
    public long Dropped
    {
        get
        {
            lock (sync)
            {
                return dropped;
            }
        }
    }

    /// <summary>Hashes running now.</summary>
    public int Running
    {
        get
        {
            lock (sync)
            {
                return running;
            }
        }
    }

    /// <summary>Hashes waiting, of either priority.</summary>
    public int Queued
    {
        get
        {
            lock (sync)
            {
                return paid.Count + fresh.Count;
            }
        }
    }

    /// <summary>The wait predicted now for a hash of <paramref name="priority"/> (zero while a slot is free).</summary>
    public TimeSpan PredictedWait(HashPriority priority)
    {
        lock (sync)
        {
            return Wait(priority);
        }
    }

    /// <summary>Runs <paramref name="hash"/> on a gate thread and returns its result.</summary>
    /// <param name="timeLeft">Time left to the caller's deadline; null for none.</param>
    /// <param name="priority">What the hash serves; paid work goes first and is shed last.</param>
    public Task<T> RunAsync<T>(Func<T> hash, TimeSpan? timeLeft, CancellationToken cancellationToken, HashPriority priority = HashPriority.Fresh)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var item = new WorkItem<T>(hash, priority);
        lock (sync)
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            Admit(priority, timeLeft);
            item.EnqueuedAt = time.GetTimestamp();
            item.Node = QueueOf(priority).AddLast(item);
            Monitor.Pulse(sync);
        }

        if (cancellationToken.CanBeCanceled)
        {
            // Registered after queueing so that a cancel always finds the item; if the hash has already
            // finished, the late cancel is a no-op.
            item.Registration = cancellationToken.Register(() => Cancel(item, cancellationToken));
        }

        return item.Completion.Task;
    }

    /// <summary>Throws as <see cref="RunAsync{T}"/> would if a hash were submitted now; admits nothing.</summary>
    public void EnsureAdmissible(TimeSpan? timeLeft, HashPriority priority = HashPriority.Fresh)
    {
        lock (sync)
        {
            Admit(priority, timeLeft);
        }
    }

    public void Dispose()
    {
        lock (sync)
        {
            if (stopping)
            {
                return;
            }

            stopping = true;
            foreach (var item in paid.Concat(fresh))
            {
                item.Abandon();
            }

            paid.Clear();
            fresh.Clear();
            Monitor.PulseAll(sync);
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }

    private LinkedList<WorkItem> QueueOf(HashPriority priority) => priority == HashPriority.Paid ? paid : fresh;

    /// <summary>
    /// The wait for a newcomer of <paramref name="priority"/>: the work ahead of it (paid work only, for paid work;
    /// all of it, for fresh), served MaxConcurrency at a time, after the running hashes, which are on average half
    /// done. Zero while a slot is free. Called under the lock.
    /// </summary>
    private TimeSpan Wait(HashPriority priority)
    {
        var ahead = priority == HashPriority.Paid ? paid.Count : paid.Count + fresh.Count;
        if (running + ahead < MaxConcurrency)
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.FromTicks((long)averageTicks) * (((double)ahead / MaxConcurrency) + 0.5);
    }

    /// <summary>Throws when the item must be refused. Called under the lock.</summary>
    private void Admit(HashPriority priority, TimeSpan? timeLeft)
    {
        var average = TimeSpan.FromTicks((long)averageTicks);
        var wait = Wait(priority);

        // The count is a memory cap for either priority; the time target is what sheds under a burst.
        if (wait > TimeSpan.Zero && (paid.Count + fresh.Count >= maxQueue || wait > latencyTarget))
        {
            throw HashingRefusals.Saturated(RetryAfter(priority, wait, average));
        }

        if (timeLeft is { } left && wait + average > left)
        {
            // With nothing ahead a retry with the same deadline fails the same way: no RetryInfo then.
            throw HashingRefusals.Deadline(wait > TimeSpan.Zero ? RetryAfter(priority, wait, average) : null);
        }
    }

    /// <summary>
    /// The delay advised to a refused caller: how long until a newcomer would be predicted to wait no more than the
    /// target if nobody else came (without a target, until the queue ahead has drained), at least one hash; plus the
    /// time the slots need to serve the callers refused lately (a decaying count, about the last second, of refusals
    /// of this priority and, for fresh work, of paid work too), who will come back as well; spread by up to half as
    /// much again so that the refused do not all come back in the same instant. Without the second part, every
    /// refused caller of a long burst would come back within a hash time and be refused again, and the refusals
    /// would eat the cores the admitted hashes need. Counts this refusal. Called under the lock.
    /// </summary>
    private TimeSpan RetryAfter(HashPriority priority, TimeSpan wait, TimeSpan average)
    {
        if (latencyTarget is not { } target)
        {
            return Spread(wait);
        }

        var decay = refusedAt == 0 ? 0 : Math.Exp(-time.GetElapsedTime(refusedAt).TotalSeconds / RefusalMemory.TotalSeconds);
        refusedAt = time.GetTimestamp();
        refusedPaid *= decay;
        refusedFresh *= decay;
        if (priority == HashPriority.Paid)
        {
            refusedPaid++;
        }
        else
        {
            refusedFresh++;
        }

        var comingBack = priority == HashPriority.Paid ? refusedPaid : refusedPaid + refusedFresh;
        var untilRoom = wait - target;
        return Spread((untilRoom > average ? untilRoom : average) + (average * (comingBack / MaxConcurrency)));
    }

    private TimeSpan Spread(TimeSpan delay)
    {
        if (random is not null)
        {
            delay += delay * (random.NextInt32(501) / 1000.0);
        }

        return delay > MaxRetryAfter ? MaxRetryAfter : delay;
    }

    private void Cancel(WorkItem item, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            // Still waiting: it leaves the queue and is never computed. Already running: the caller is
            // released now and the result is dropped (the slot frees when the hash ends).
            if (item.Node?.List is { } list)
            {
                list.Remove(item.Node);
            }
        }

        item.Cancel(cancellationToken);
    }

    /// <summary>The next item to compute, paid work first; stale fresh items met on the way are refused. Under the lock.</summary>
    private WorkItem? Next(List<(WorkItem Item, TimeSpan RetryAfter)> stale)
    {
        if (paid.First is { } first)
        {
            paid.RemoveFirst();
            return first.Value;
        }

        while (fresh.First is { } node)
        {
            fresh.RemoveFirst();
            if (SojournLimit is { } limit && time.GetElapsedTime(node.Value.EnqueuedAt) > limit)
            {
                // Its caller has already waited twice the target: computing it now spends a slot on an answer that
                // comes too late, while the callers behind it still have a chance.
                dropped++;
                var average = TimeSpan.FromTicks((long)averageTicks);
                stale.Add((node.Value, RetryAfter(HashPriority.Fresh, Wait(HashPriority.Fresh), average)));
                continue;
            }

            return node.Value;
        }

        return null;
    }

    private void Work(int slot, int threadNice, CountdownEvent started)
    {
        // Below the server's other threads: an RPC's or a delivery's few hundred microseconds take a core from a hash at
        // once instead of waiting for its time slice, so the cheap steps of many flows stay short and keep the queue fed.
        priorities[slot] = HashingThreadPriority.Lower(threadNice);
        started.Signal();
        Work();
    }

    private void Work()
    {
        var stale = new List<(WorkItem Item, TimeSpan RetryAfter)>();
        while (true)
        {
            WorkItem? item;
            lock (sync)
            {
                while ((item = Next(stale)) is null && !stopping)
                {
                    if (stale.Count > 0)
                    {
                        break;
                    }

                    Monitor.Wait(sync);
                }

                if (stopping)
                {
                    return;
                }

                if (item is not null)
                {
                    running++;
                    peakRunning = Math.Max(peakRunning, running);
                }
            }

            // Outside the lock: completing a task runs no continuation here, but disposing a registration may wait.
            foreach (var (refused, retryAfter) in stale)
            {
                refused.Refuse(HashingRefusals.Saturated(retryAfter));
            }

            stale.Clear();
            if (item is null)
            {
                continue;
            }

            var started = time.GetTimestamp();
            item.Run();
            var elapsed = time.GetElapsedTime(started);
            lock (sync)
            {
                running--;
                computed++;
                averageTicks = averageTicks == 0 ? elapsed.Ticks : (Smoothing * elapsed.Ticks) + ((1 - Smoothing) * averageTicks);
            }

            item.Complete();
        }
    }

    private abstract class WorkItem(HashPriority priority)
    {
        public HashPriority Priority { get; } = priority;

        public long EnqueuedAt { get; set; }

        public LinkedListNode<WorkItem>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public abstract void Run();

        public abstract void Complete();

        public abstract void Cancel(CancellationToken cancellationToken);

        public abstract void Refuse(Exception refusal);

        public abstract void Abandon();
    }

    private sealed class WorkItem<T>(Func<T> hash, HashPriority priority) : WorkItem(priority)
    {
        private T? result;
        private Exception? error;

        // Continuations must not run on a gate thread: that would steal a hashing slot.
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run()
        {
            try
            {
                result = hash();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }

        public override void Complete()
        {
            Registration.Dispose();
            if (error is not null)
            {
                Completion.TrySetException(error);
            }
            else
            {
                Completion.TrySetResult(result!);
            }
        }

        public override void Cancel(CancellationToken cancellationToken) => Completion.TrySetCanceled(cancellationToken);

        public override void Refuse(Exception refusal)
        {
            Registration.Dispose();
            Completion.TrySetException(refusal);
        }

        public override void Abandon() => Completion.TrySetException(new ObjectDisposedException(nameof(Argon2Gate)));
    }
}
