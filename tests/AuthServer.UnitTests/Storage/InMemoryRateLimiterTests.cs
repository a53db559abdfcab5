using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

public class InMemoryRateLimiterTests
{
    private static readonly RateLimitKey Card = new("card:abc", RateLimitRule.Of(2, TimeSpan.FromMinutes(1)));
    private static readonly RateLimitKey Address = new("addr:10.0.0.1", RateLimitRule.Of(5, TimeSpan.FromMinutes(1)));

    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemoryRateLimiter limiter = new();
    private readonly CancellationToken ct = CancellationToken.None;

    [Fact]
    public async Task TryAcquireAsync_UpToLimit_AllowedThenRefusedWithPositiveRetryAfter()
    {
        var first = await limiter.TryAcquireAsync([Card], time.GetUtcNow(), ct);
        var second = await limiter.TryAcquireAsync([Card], time.GetUtcNow(), ct);
        var third = await limiter.TryAcquireAsync([Card], time.GetUtcNow(), ct);

        Assert.True(first.Allowed);
        Assert.True(second.Allowed);
        Assert.False(third.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(30), third.RetryAfter);
        Assert.Equal(Card.Key, third.LimitedKey);
    }

    [Fact]
    public async Task TryAcquireAsync_AfterRetryAfter_AllowedAgain()
    {
        await Exhaust(Card);
        var refused = await limiter.TryAcquireAsync([Card], time.GetUtcNow(), ct);

        time.Advance(refused.RetryAfter);
        var afterWait = await limiter.TryAcquireAsync([Card], time.GetUtcNow(), ct);
        var immediatelyAgain = await limiter.TryAcquireAsync([Card], time.GetUtcNow(), ct);

        Assert.True(afterWait.Allowed);
        Assert.False(immediatelyAgain.Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_AfterAFullPeriod_WholeBurstIsAvailable()
    {
        await Exhaust(Card);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.True((await limiter.TryAcquireAsync([Card], time.GetUtcNow(), ct)).Allowed);
        Assert.True((await limiter.TryAcquireAsync([Card], time.GetUtcNow(), ct)).Allowed);
        Assert.False((await limiter.TryAcquireAsync([Card], time.GetUtcNow(), ct)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_RefusedByOneBucket_ConsumesNoneOfTheOthers()
    {
        await limiter.TryAcquireAsync([Card, Address], time.GetUtcNow(), ct);
        await limiter.TryAcquireAsync([Card, Address], time.GetUtcNow(), ct);

        // The address bucket comes first here: it would be taken before the card bucket refuses.
        for (var i = 0; i < 3; i++)
        {
            var refused = await limiter.TryAcquireAsync([Address, Card], time.GetUtcNow(), ct);
            Assert.False(refused.Allowed);
            Assert.Equal(Card.Key, refused.LimitedKey);
        }

        // 2 of the address's 5 were used by the allowed calls; the refused ones must have taken none.
        Assert.True((await limiter.TryAcquireAsync([Address], time.GetUtcNow(), ct)).Allowed);
        Assert.True((await limiter.TryAcquireAsync([Address], time.GetUtcNow(), ct)).Allowed);
        Assert.True((await limiter.TryAcquireAsync([Address], time.GetUtcNow(), ct)).Allowed);
        Assert.False((await limiter.TryAcquireAsync([Address], time.GetUtcNow(), ct)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_DifferentKeys_AreIndependent()
    {
        await Exhaust(Card);
        var otherCard = Card with { Key = "card:def" };

        Assert.True((await limiter.TryAcquireAsync([otherCard], time.GetUtcNow(), ct)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_ParallelCalls_NeverExceedTheLimit()
    {
        var rule = new RateLimitKey("channel:web", RateLimitRule.Of(10, TimeSpan.FromHours(1)));
        var now = time.GetUtcNow();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(_ => Task.Run(() => limiter.TryAcquireAsync([rule], now, ct), ct)));

        Assert.Equal(10, decisions.Count(d => d.Allowed));
    }

    [Fact]
    public async Task TryAcquireAsync_RetryAfter_TellsWhenTheNextCallSucceeds()
    {
        var rule = new RateLimitKey("doc:x", RateLimitRule.Of(5, TimeSpan.FromHours(1)));
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await limiter.TryAcquireAsync([rule], time.GetUtcNow(), ct)).Allowed);
        }

        time.Advance(TimeSpan.FromMinutes(2));
        var refused = await limiter.TryAcquireAsync([rule], time.GetUtcNow(), ct);

        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromMinutes(10), refused.RetryAfter); // one every 12 minutes, 2 already passed
    }

    private async Task Exhaust(RateLimitKey key)
    {
        while ((await limiter.TryAcquireAsync([key], time.GetUtcNow(), ct)).Allowed)
        {
        }
    }
}
