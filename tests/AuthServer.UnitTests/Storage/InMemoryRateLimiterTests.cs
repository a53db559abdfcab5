using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

/// <summary>
/// What only the in-memory limiter shows: its lock under parallel calls. Every rule of GCRA is a row of GcraCases,
/// run on it by <see cref="InMemoryGcraContractTests"/>.
/// </summary>
public class InMemoryRateLimiterTests
{
    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemoryRateLimiter limiter = new();
    private readonly CancellationToken ct = CancellationToken.None;

    [Fact]
    public async Task TryAcquireAsync_ParallelCalls_NeverExceedTheLimit()
    {
        var rule = new RateLimitKey("channel:web", RateLimitRule.Of(10, TimeSpan.FromHours(1)));
        var now = time.GetUtcNow();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(_ => Task.Run(() => limiter.TryAcquireAsync([rule], now, ct), ct)));

        Assert.Equal(10, decisions.Count(d => d.Allowed));
    }
}
