using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Passwords;

/// <summary>
/// The gate with fake work: each hash blocks until the test releases it and durations come from a
/// fake clock, so every assertion is about order and counts, never about how long something took.
/// The class runs alone (<see cref="TimingTests"/>): a held hash gives up after <see cref="Wait"/> of real
/// time, and with the whole suite running beside it on a loaded machine the test thread was once held up
/// past that, so that the held hashes gave up and the queue the test then counted had moved on.
/// </summary>
[Collection(TimingTests.Name)]
public sealed class Argon2GateTests : IDisposable
{
    // Only a bound for a test that has already failed (a hash never released, a task never completed): generous, so
    // that a slow machine never reaches it in a test that would pass.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly string[] FreshNames = ["f1", "f2", "f3"];
    private static readonly string[] PaidNames = ["p1", "p2", "p3"];
    private static readonly double[] GrowingDelays = [150, 200, 250, 300];
    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly ManualResetEventSlim release = new();
    private readonly SemaphoreSlim started = new(0);
    private int computed;

    public void Dispose()
    {
        release.Set();
        release.Dispose();
        started.Dispose();
    }

    [Fact]
    public async Task RunAsync_FullQueue_RejectsAtOnceWithRetryAfter()
    {
        using var gate = new Argon2Gate(1, 1, time);
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));
        var running = gate.RunAsync(Blocking, null, CancellationToken.None);
        await WaitStartedAsync();
        var queued = gate.RunAsync(Blocking, null, CancellationToken.None);

        var refused = Assert.Throws<FailureException>(() => { _ = gate.RunAsync(Counting, null, CancellationToken.None); });

        Assert.Equal((FailureKind.ResourceExhausted, ErrorReasons.HashingSaturated), (refused.Failure.Kind, refused.Failure.Reason));
        Assert.Equal(TimeSpan.FromMilliseconds(150), refused.Failure.RetryAfter);
        Assert.True(HashingRefusals.IsRefusal(refused));
        release.Set();
        await Task.WhenAll(running, queued).WaitAsync(Wait);
        Assert.Equal(0, computed);
    }

    [Fact]
    public async Task EnsureAdmissible_FullQueue_ThrowsAndAdmitsNothing()
    {
        using var gate = new Argon2Gate(1, 1, time);
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));
        gate.EnsureAdmissible(null);
        Assert.Equal(0, gate.Queued);
        var running = gate.RunAsync(Blocking, null, CancellationToken.None);
        await WaitStartedAsync();
        gate.EnsureAdmissible(null);
        var queued = gate.RunAsync(Blocking, null, CancellationToken.None);

        var refused = Assert.Throws<FailureException>(() => gate.EnsureAdmissible(null));
        Assert.Equal(ErrorReasons.HashingSaturated, refused.Failure.Reason);
        Assert.Equal(1, gate.Queued);

        release.Set();
        await Task.WhenAll(running, queued).WaitAsync(Wait);
        Assert.Equal(0, computed);
    }

    [Fact]
    public async Task RunAsync_DeadlineShorterThanQueueWaitPlusHash_RejectsAtOnceAndHashesNothing()
    {
        using var gate = new Argon2Gate(1, 10, time);
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));
        var running = gate.RunAsync(Blocking, null, CancellationToken.None);
        await WaitStartedAsync();

        // Refused synchronously: "at once" means no task at all. Estimated: half the running hash (50 ms) + this hash (100 ms) = 150 ms.
        var refused = Assert.Throws<FailureException>(() => { _ = gate.RunAsync(Counting, TimeSpan.FromMilliseconds(149), CancellationToken.None); });
        Assert.Equal((FailureKind.DeadlineExceeded, ErrorReasons.DeadlineExceeded), (refused.Failure.Kind, refused.Failure.Reason));
        Assert.Equal(TimeSpan.FromMilliseconds(50), refused.Failure.RetryAfter); // no target: the predicted wait
        Assert.True(HashingRefusals.IsRefusal(refused));
        var accepted = gate.RunAsync(Counting, TimeSpan.FromMilliseconds(151), CancellationToken.None);

        release.Set();
        await Task.WhenAll(running, accepted).WaitAsync(Wait);
        Assert.Equal(1, computed);
    }

    [Fact]
    public async Task RunAsync_IdleGateButDeadlineBelowOneHash_Rejects()
    {
        using var gate = new Argon2Gate(2, 10, time);
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));

        foreach (var left in new[] { TimeSpan.FromMilliseconds(99), TimeSpan.FromMilliseconds(-1) })
        {
            var refused = Assert.Throws<FailureException>(() => { _ = gate.RunAsync(Counting, left, CancellationToken.None); });
            Assert.Equal(FailureKind.DeadlineExceeded, refused.Failure.Kind);
            Assert.Null(refused.Failure.RetryAfter);
        }

        Assert.Equal(0, gate.Queued);
        Assert.Equal(0, computed);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileQueued_LeavesQueueAndIsNeverHashed()
    {
        using var gate = new Argon2Gate(1, 10, time);
        var running = gate.RunAsync(Blocking, null, CancellationToken.None);
        await WaitStartedAsync();
        using var cts = new CancellationTokenSource();
        var queued = gate.RunAsync(Counting, null, cts.Token);
        Assert.Equal(1, gate.Queued);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Wait));
        Assert.Equal(0, gate.Queued);
        release.Set();
        await running.WaitAsync(Wait);
        await gate.RunAsync(() => 0, null, CancellationToken.None).WaitAsync(Wait);
        Assert.Equal(0, computed);
    }

    [Fact]
    public async Task RunAsync_AlreadyCancelled_ThrowsWithoutQueueing()
    {
        using var gate = new Argon2Gate(1, 10, time);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.RunAsync(Counting, null, new CancellationToken(true)));
        Assert.Equal(0, gate.Queued);
        Assert.Equal(0, computed);
    }

    [Fact]
    public async Task RunAsync_ManyCallers_NeverMoreThanMaxConcurrencyAtOnce()
    {
        using var gate = new Argon2Gate(2, 100, time);
        var current = 0;
        var highest = 0;
        int Tracked()
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref highest, now);
            var result = Blocking();
            Interlocked.Decrement(ref current);
            return result;
        }

        var tasks = Enumerable.Range(0, 10).Select(_ => gate.RunAsync(Tracked, null, CancellationToken.None)).ToList();
        await WaitStartedAsync();
        await WaitStartedAsync();
        Assert.Equal(8, gate.Queued);

        release.Set();
        await Task.WhenAll(tasks).WaitAsync(Wait);
        Assert.Equal(2, highest);
        Assert.Equal(2, gate.PeakConcurrency);
    }

    [Fact]
    public async Task RunAsync_Work_RunsOnADedicatedThreadNotThePool()
    {
        using var gate = new Argon2Gate(1, 10, time);

        var onPool = await gate.RunAsync(() => Thread.CurrentThread.IsThreadPoolThread, null, CancellationToken.None).WaitAsync(Wait);

        Assert.False(onPool);
    }

    [Fact]
    public async Task RunAsync_WorkThrows_CallerSeesTheExceptionAndGateGoesOn()
    {
        using var gate = new Argon2Gate(1, 10, time);

        await Assert.ThrowsAsync<NotSupportedException>(() => gate.RunAsync<int>(() => throw new NotSupportedException(), null, CancellationToken.None).WaitAsync(Wait));
        Assert.Equal(7, await gate.RunAsync(() => 7, null, CancellationToken.None).WaitAsync(Wait));
    }

    [Fact]
    public async Task AverageHashTime_AfterMeasurements_IsAMovingAverage()
    {
        using var gate = new Argon2Gate(1, 10, time);

        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromMilliseconds(100), gate.AverageHashTime);
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(200));

        Assert.Equal(TimeSpan.FromMilliseconds(120), gate.AverageHashTime);
    }

    [Fact]
    public async Task RunAsync_PredictedWaitAboveTarget_RefusesFreshAtOnceWithoutHashing()
    {
        using var gate = new Argon2Gate(1, 100, time, latencyTarget: TimeSpan.FromMilliseconds(300));
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));
        var running = gate.RunAsync(Blocking, null, CancellationToken.None);
        await WaitStartedAsync();

        // Predicted waits with one hash running (half done) and 0, 1, 2 ahead: 50, 150, 250 ms, all within 300 ms.
        var admitted = Enumerable.Range(0, 3).Select(_ => gate.RunAsync(Counting, null, CancellationToken.None)).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(350), gate.PredictedWait(HashPriority.Fresh));

        var refused = Assert.Throws<FailureException>(() => { _ = gate.RunAsync(Counting, null, CancellationToken.None); });

        Assert.Equal((FailureKind.ResourceExhausted, ErrorReasons.HashingSaturated), (refused.Failure.Kind, refused.Failure.Reason));
        Assert.True(refused.Failure.PreciseRetryAfter);
        // 50 ms past the target, so at least one hash (100 ms), plus one hash for the one caller refused so far.
        Assert.Equal(TimeSpan.FromMilliseconds(200), refused.Failure.RetryAfter);
        Assert.Equal(3, gate.Queued);
        release.Set();
        await Task.WhenAll([running, .. admitted]).WaitAsync(Wait);
        Assert.Equal(3, computed);
    }

    [Fact]
    public async Task RunAsync_PaidWork_AdmittedWhileFreshIsRefusedAndServedFirst()
    {
        using var gate = new Argon2Gate(1, 100, time, latencyTarget: TimeSpan.FromMilliseconds(300));
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Func<int> Recording(string name) => () =>
        {
            order.Enqueue(name);
            return 0;
        };

        var running = gate.RunAsync(Blocking, null, CancellationToken.None);
        await WaitStartedAsync();
        var fresh = FreshNames.Select(n => gate.RunAsync(Recording(n), null, CancellationToken.None)).ToList();
        Assert.Throws<FailureException>(() => { _ = gate.RunAsync(Recording("f4"), null, CancellationToken.None); });

        // Only paid work counts ahead of paid work: three more are admitted although fresh work is refused.
        Assert.Equal(TimeSpan.FromMilliseconds(50), gate.PredictedWait(HashPriority.Paid));
        var paid = PaidNames.Select(n => gate.RunAsync(Recording(n), null, CancellationToken.None, HashPriority.Paid)).ToList();
        var refusedPaid = Assert.Throws<FailureException>(() => { _ = gate.RunAsync(Recording("p4"), null, CancellationToken.None, HashPriority.Paid); });
        Assert.Equal(ErrorReasons.HashingSaturated, refusedPaid.Failure.Reason);

        release.Set();
        await Task.WhenAll([running, .. fresh, .. paid]).WaitAsync(Wait);
        Assert.Equal(["p1", "p2", "p3", "f1", "f2", "f3"], order);
    }

    [Fact]
    public async Task EnsureAdmissible_PaidWithinTargetFreshBeyond_OnlyFreshThrows()
    {
        using var gate = new Argon2Gate(1, 100, time, latencyTarget: TimeSpan.FromMilliseconds(100));
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));
        var running = gate.RunAsync(Blocking, null, CancellationToken.None);
        await WaitStartedAsync();
        var queued = gate.RunAsync(Counting, null, CancellationToken.None);

        Assert.Throws<FailureException>(() => gate.EnsureAdmissible(null));
        gate.EnsureAdmissible(null, HashPriority.Paid);

        Assert.Equal(1, gate.Queued);
        release.Set();
        await Task.WhenAll(running, queued).WaitAsync(Wait);
    }

    [Fact]
    public async Task RunAsync_RefusedBehindAGrownQueue_RetryAfterIsTheTimeUntilRoomSpread()
    {
        // Jitter scripted at 250/1000: a quarter more than the predicted time until there is room.
        using var gate = new Argon2Gate(1, 100, time, latencyTarget: TimeSpan.FromSeconds(1), random: new ScriptedRandom(250));
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));
        using var releaseQueued = new ManualResetEventSlim();
        var slow = gate.RunAsync(() =>
        {
            var result = Blocking();
            time.Advance(TimeSpan.FromMilliseconds(2_100));
            return result;
        }, null, CancellationToken.None);
        await WaitStartedAsync();
        int Held()
        {
            started.Release();
            return releaseQueued.Wait(Wait) ? 0 : throw new TimeoutException("The test never released the hash.");
        }

        // Nine paid hashes admitted at a 100 ms average (the ninth predicted to wait 850 ms).
        var queued = Enumerable.Range(0, 9).Select(_ => gate.RunAsync(Held, null, CancellationToken.None, HashPriority.Paid)).ToList();

        // The slow hash ends after 2.1 s: the average becomes 0.2 × 2,100 + 0.8 × 100 = 500 ms, and the next one starts.
        release.Set();
        await WaitStartedAsync();
        Assert.Equal(TimeSpan.FromMilliseconds(500), gate.AverageHashTime);

        var refused = Assert.Throws<FailureException>(() => gate.EnsureAdmissible(null));

        // 8 ahead and one running: 500 × 8.5 = 4,250 ms predicted; room in 4,250 − 1,000 = 3,250 ms; the one refused
        // caller needs a hash on the one slot (+500 ms); spread × 1.25.
        Assert.Equal(TimeSpan.FromMilliseconds(4_250), gate.PredictedWait(HashPriority.Fresh));
        Assert.Equal(TimeSpan.FromMilliseconds(4_687.5), refused.Failure.RetryAfter);
        releaseQueued.Set();
        await Task.WhenAll([slow, .. queued]).WaitAsync(Wait);
    }

    [Fact]
    public async Task EnsureAdmissible_ManyRefusedAtOnce_LaterOnesAdvisedLaterAndTheCountFades()
    {
        using var gate = new Argon2Gate(2, 100, time, latencyTarget: TimeSpan.FromMilliseconds(100));
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));
        var running = new[] { gate.RunAsync(Blocking, null, CancellationToken.None), gate.RunAsync(Blocking, null, CancellationToken.None) };
        await WaitStartedAsync();
        await WaitStartedAsync();
        var queued = gate.RunAsync(Counting, null, CancellationToken.None, HashPriority.Paid);

        // Fresh: 1 ahead on 2 slots, 100 × (0.5 + 0.5) = 100 ms predicted, at the target: admitted. Then 150 ms: refused.
        var admitted = gate.RunAsync(Counting, null, CancellationToken.None);
        TimeSpan? Refused() => Assert.Throws<FailureException>(() => gate.EnsureAdmissible(null)).Failure.RetryAfter;

        // At least one hash (100 ms), plus the refused callers coming back, two per hash time on two slots.
        Assert.Equal(GrowingDelays, Enumerable.Range(0, 4).Select(_ => Refused()!.Value.TotalMilliseconds).ToArray());

        // Four refusals a second ago count e^-1 × 4 ≈ 1.47 callers; with this one, 2.47: 100 + 123.6 ms.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.InRange(Refused()!.Value.TotalMilliseconds, 223, 224);

        // Paid work counts only the paid refused: the fresh ones above do not delay it (100 ms + half a hash for itself).
        var paid = gate.RunAsync(Counting, null, CancellationToken.None, HashPriority.Paid);
        var paidRefused = Assert.Throws<FailureException>(() => gate.EnsureAdmissible(null, HashPriority.Paid));
        Assert.Equal(TimeSpan.FromMilliseconds(150), paidRefused.Failure.RetryAfter);
        release.Set();
        await Task.WhenAll([.. running, queued, paid]).WaitAsync(Wait);

        // The fresh hash admitted at the start has now waited a second, past the sojourn limit: refused at its turn.
        await Assert.ThrowsAsync<FailureException>(() => admitted.WaitAsync(Wait));
    }

    [Fact]
    public async Task RunAsync_FreshWaitedPastSojournLimit_RefusedAtItsTurnAndNeverHashed()
    {
        using var gate = new Argon2Gate(1, 100, time, latencyTarget: TimeSpan.FromMilliseconds(100));
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(10));
        var running = gate.RunAsync(Blocking, null, CancellationToken.None);
        await WaitStartedAsync();
        var fresh = gate.RunAsync(Counting, null, CancellationToken.None);
        var paid = gate.RunAsync(Counting, null, CancellationToken.None, HashPriority.Paid);

        // Both wait 300 ms, past the sojourn limit (twice the 100 ms target): the fresh one is dropped, the paid one is not.
        time.Advance(TimeSpan.FromMilliseconds(300));
        release.Set();

        await paid.WaitAsync(Wait);
        var refused = await Assert.ThrowsAsync<FailureException>(() => fresh.WaitAsync(Wait));
        Assert.Equal(ErrorReasons.HashingSaturated, refused.Failure.Reason);
        Assert.NotNull(refused.Failure.RetryAfter);
        Assert.True(HashingRefusals.IsRefusal(refused));
        await running.WaitAsync(Wait);
        Assert.Equal(1, computed);
        Assert.Equal(1, gate.Dropped);
        Assert.Equal(TimeSpan.FromMilliseconds(200), gate.SojournLimit);
    }

    [Fact]
    public async Task RunAsync_CountCapReachedWithinTheTarget_StillRefused()
    {
        using var gate = new Argon2Gate(1, 1, time, latencyTarget: TimeSpan.FromSeconds(10));
        await SeedAverageAsync(gate, TimeSpan.FromMilliseconds(100));
        var running = gate.RunAsync(Blocking, null, CancellationToken.None);
        await WaitStartedAsync();
        var queued = gate.RunAsync(Counting, null, CancellationToken.None, HashPriority.Paid);

        var refused = Assert.Throws<FailureException>(() => { _ = gate.RunAsync(Counting, null, CancellationToken.None, HashPriority.Paid); });

        Assert.Equal(ErrorReasons.HashingSaturated, refused.Failure.Reason);
        release.Set();
        await Task.WhenAll(running, queued).WaitAsync(Wait);
        Assert.Equal(1, computed);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    /// <summary>One hash that "takes" the given time on the fake clock.</summary>
    private Task<int> SeedAverageAsync(Argon2Gate gate, TimeSpan duration) =>
        gate.RunAsync(() =>
        {
            time.Advance(duration);
            return 0;
        }, null, CancellationToken.None).WaitAsync(Wait);

    private int Blocking()
    {
        started.Release();
        return release.Wait(Wait) ? 1 : throw new TimeoutException("The test never released the hash.");
    }

    private int Counting() => Interlocked.Increment(ref computed);

    private async Task WaitStartedAsync() => Assert.True(await started.WaitAsync(Wait), "A hash should have started.");
}
