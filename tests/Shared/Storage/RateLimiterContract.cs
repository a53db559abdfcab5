using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.RateLimiting;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="IRateLimiter"/> must do, run against each provider.</summary>
public abstract class RateLimiterContract
{
    protected static readonly RateLimitRule FivePerHour = RateLimitRule.Of(5, TimeSpan.FromHours(1));

    private readonly CancellationToken ct = CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    protected abstract IRateLimiter CreateLimiter();

    [Fact]
    public async Task TryAcquireAsync_BurstOfTheLimit_AllowedThenRefusedWithRetryAfterOneInterval()
    {
        var limiter = CreateLimiter();
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await Acquire(limiter, new RateLimitKey("card:x", FivePerHour))).Allowed);
        }

        var refused = await Acquire(limiter, new RateLimitKey("card:x", FivePerHour));

        Assert.Equal(new RateLimitDecision(false, TimeSpan.FromMinutes(12), "card:x"), refused);
    }

    [Fact]
    public async Task TryAcquireAsync_AfterRetryAfter_AllowedOnceMore()
    {
        var limiter = CreateLimiter();
        var key = new RateLimitKey("card:x", FivePerHour);
        for (var i = 0; i < 5; i++)
        {
            await Acquire(limiter, key);
        }

        Time.Advance(TimeSpan.FromMinutes(12) - TimeSpan.FromSeconds(1));
        Assert.False((await Acquire(limiter, key)).Allowed);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await Acquire(limiter, key)).Allowed);
        Assert.False((await Acquire(limiter, key)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_OneBucketRefuses_NoBucketIsCharged()
    {
        var limiter = CreateLimiter();
        var one = RateLimitRule.Of(1, TimeSpan.FromHours(1));
        await Acquire(limiter, new RateLimitKey("doc:d", one));

        var refused = await Acquire(limiter, new RateLimitKey("card:x", one), new RateLimitKey("doc:d", one));

        Assert.Equal("doc:d", refused.LimitedKey);
        Assert.True((await Acquire(limiter, new RateLimitKey("card:x", one))).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_BucketsAreIndependentByKey()
    {
        var limiter = CreateLimiter();
        var one = RateLimitRule.Of(1, TimeSpan.FromHours(1));

        Assert.True((await Acquire(limiter, new RateLimitKey("card:x", one))).Allowed);
        Assert.True((await Acquire(limiter, new RateLimitKey("card:y", one))).Allowed);
        Assert.False((await Acquire(limiter, new RateLimitKey("card:x", one))).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_100Parallel_NeverMoreThanTheLimitAndRefusedCallsChargeNothing()
    {
        var limiter = CreateLimiter();
        var tight = new RateLimitKey("addr:1", RateLimitRule.Of(10, TimeSpan.FromHours(1)));
        var loose = new RateLimitKey("channel:web", RateLimitRule.Of(30, TimeSpan.FromHours(1)));
        await Acquire(limiter, new RateLimitKey("warm-up", RateLimitRule.Of(1, TimeSpan.FromHours(1)))); // connect once before the race

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => Acquire(limiter, loose, tight)))).Timeout();

        Assert.Equal(10, results.Count(r => r.Allowed));
        Assert.All(results.Where(r => !r.Allowed), r => Assert.Equal("addr:1", r.LimitedKey));

        // The 90 refused calls took nothing from the loose bucket: 20 of its 30 remain.
        var rest = new List<bool>();
        for (var i = 0; i < 21; i++)
        {
            rest.Add((await Acquire(limiter, loose)).Allowed);
        }

        Assert.Equal(20, rest.Count(a => a));
        Assert.False(rest[^1]);
    }

    [Fact]
    public async Task RefundAsync_ParallelRefundsBeyondWhatWasTaken_NeverMoreThanTheLimit()
    {
        var limiter = CreateLimiter();
        var key = new RateLimitKey("login:x", FivePerHour);
        for (var i = 0; i < 2; i++)
        {
            Assert.True((await Acquire(limiter, key)).Allowed);
        }

        // Twenty refunds at once for the two units taken: the bucket comes back whole, and no more than whole.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => limiter.RefundAsync([key], Time.GetUtcNow(), ct))).Timeout();

        var answers = new List<bool>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add((await Acquire(limiter, key)).Allowed);
        }

        Assert.Equal([true, true, true, true, true, false], answers);
    }

    [Fact]
    public async Task RefundAsync_ParallelShedCalls_EachGivesBackItsOwnUnit()
    {
        var limiter = CreateLimiter();
        var key = new RateLimitKey("login:x", FivePerHour);
        // Five calls allowed, all shed afterwards and refunded in parallel: the whole burst is there again.
        var taken = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Acquire(limiter, key)));
        Assert.All(taken, d => Assert.True(d.Allowed));
        Assert.False((await Acquire(limiter, key)).Allowed);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => limiter.RefundAsync([key], Time.GetUtcNow(), ct))).Timeout();

        var again = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Acquire(limiter, key)));

        Assert.Equal(5, again.Count(d => d.Allowed));
    }

    protected Task<RateLimitDecision> Acquire(IRateLimiter limiter, params RateLimitKey[] keys) =>
        limiter.TryAcquireAsync(keys, Time.GetUtcNow(), ct).Timeout();
}
