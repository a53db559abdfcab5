using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Admission control for Argon2: at most <see cref="Argon2Options.MaxConcurrency"/> hashes run at once,
/// each on one of the gate's own long-running threads (never a thread-pool thread blocked on CPU work),
/// and at most <see cref="Argon2Options.EffectiveMaxQueue"/> wait. Memory therefore stays below
/// MaxConcurrency × m, plus about a hundred bytes per queued item. Overload is refused at once rather
/// than by slowing every caller: a full queue throws <see cref="HashingRefusals.Saturated"/>, and a hash
/// that would finish after the caller's deadline throws <see cref="HashingRefusals.Deadline"/> without
/// being computed. Cancelled waiting work leaves the queue and is never computed. Given a meter factory, the gate
/// reports itself (meter <see cref="RecoveryMeter.Name"/>): hashes running, queued, computed, and the moving average.
/// </summary>
public sealed class Argon2Gate : IDisposable
{
    // Weight of the newest measurement in the moving average: about the last ten hashes count.
    private const double Smoothing = 0.2;

    private readonly object sync = new();
    private readonly LinkedList<WorkItem> queue = new();
    private readonly Thread[] threads;
    private readonly TimeProvider time;
    private readonly int maxQueue;
    private int running;
    private long computed;
    private int peakRunning;
    private bool stopping;
    private double averageTicks;

    public Argon2Gate(IOptions<Argon2Options> options, TimeProvider time, IMeterFactory? meterFactory = null)
        : this(options.Value.MaxConcurrency, options.Value.EffectiveMaxQueue, time, meterFactory)
    {
    }

    public Argon2Gate(int maxConcurrency, int maxQueue, TimeProvider time, IMeterFactory? meterFactory = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueue);
        MaxConcurrency = maxConcurrency;
        this.maxQueue = maxQueue;
        this.time = time;
        threads = new Thread[maxConcurrency];
        for (var i = 0; i < maxConcurrency; i++)
        {
            threads[i] = new Thread(Work) { IsBackground = true, Name = "argon2-" + i };
            threads[i].Start();
        }

        if (meterFactory is not null)
        {
            var meter = meterFactory.Create(RecoveryMeter.Name);
            meter.CreateObservableGauge("recovery.argon2.running", () => Running, "{hash}", "Password hashes running now.");
            meter.CreateObservableGauge("recovery.argon2.queued", () => Queued, "{hash}", "Password hashes waiting for the admission gate.");
            meter.CreateObservableCounter("recovery.argon2.computed", () => Computed, "{hash}", "Password hashes computed since start.");
            meter.CreateObservableGauge("recovery.argon2.hash_time", () => AverageHashTime.TotalMilliseconds, "ms", "Moving average of one hash.");
        }
    }

    public int MaxConcurrency { get; }

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

    public int Queued
    {
        get
        {
            lock (sync)
            {
                return queue.Count;
            }
        }
    }

    /// <summary>Runs <paramref name="hash"/> on a gate thread and returns its result.</summary>
    /// <param name="timeLeft">Time left to the caller's deadline; null for none.</param>
    public Task<T> RunAsync<T>(Func<T> hash, TimeSpan? timeLeft, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var item = new WorkItem<T>(hash);
        lock (sync)
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            Admit(timeLeft);
            item.Node = queue.AddLast(item);
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
    public void EnsureAdmissible(TimeSpan? timeLeft)
    {
        lock (sync)
        {
            Admit(timeLeft);
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
            foreach (var item in queue)
            {
                item.Abandon();
            }

            queue.Clear();
            Monitor.PulseAll(sync);
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }

    /// <summary>Throws when the item must be refused. Called under the lock.</summary>
    private void Admit(TimeSpan? timeLeft)
    {
        var average = TimeSpan.FromTicks((long)averageTicks);
        var idle = MaxConcurrency - running - queue.Count;

        // Ahead of a new item: the queue, served MaxConcurrency at a time, after the running hashes,
        // which are on average half done.
        var wait = idle > 0 ? TimeSpan.Zero : average * (((double)queue.Count / MaxConcurrency) + 0.5);
        if (idle <= 0 && queue.Count >= maxQueue)
        {
            throw HashingRefusals.Saturated(wait);
        }

        if (timeLeft is { } left && wait + average > left)
        {
            throw HashingRefusals.Deadline();
        }
    }

    private void Cancel(WorkItem item, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            // Still waiting: it leaves the queue and is never computed. Already running: the caller is
            // released now and the result is dropped (the slot frees when the hash ends).
            if (item.Node?.List is not null)
            {
                queue.Remove(item.Node);
            }
        }

        item.Cancel(cancellationToken);
    }

    private void Work()
    {
        while (true)
        {
            WorkItem item;
            lock (sync)
            {
                while (queue.Count == 0 && !stopping)
                {
                    Monitor.Wait(sync);
                }

                if (stopping)
                {
                    return;
                }

                item = queue.First!.Value;
                queue.RemoveFirst();
                running++;
                peakRunning = Math.Max(peakRunning, running);
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

    private abstract class WorkItem
    {
        public LinkedListNode<WorkItem>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public abstract void Run();

        public abstract void Complete();

        public abstract void Cancel(CancellationToken cancellationToken);

        public abstract void Abandon();
    }

    private sealed class WorkItem<T>(Func<T> hash) : WorkItem
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

        public override void Abandon() => Completion.TrySetException(new ObjectDisposedException(nameof(Argon2Gate)));
    }
}
