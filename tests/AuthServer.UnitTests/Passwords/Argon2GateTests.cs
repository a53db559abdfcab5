using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Passwords;

/// <summary>
/// The gate with fake work: each hash blocks until the test releases it and durations come from a
/// fake clock, so every assertion is about order and counts, never about how long something took.
/// </summary>
public sealed class Argon2GateTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
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
