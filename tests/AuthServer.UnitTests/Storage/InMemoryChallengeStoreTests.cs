using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

/// <summary>What only the in-memory store does (its retention margin and sweep); the shared behaviour is ChallengeStoreContract, run on both providers.</summary>
public class InMemoryChallengeStoreTests
{
    private static readonly ChallengeLimits Limits = new(3, 5, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), 3);
    private static readonly byte[] Mac = Enumerable.Repeat((byte)7, 32).ToArray();

    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemoryChallengeStore store;
    private readonly CancellationToken ct = CancellationToken.None;

    public InMemoryChallengeStoreTests() => store = new InMemoryChallengeStore(time);

    private Challenge Challenge(string id) => new()
    {
        Id = id,
        CodeMac = Mac,
        ExpiresAt = time.GetUtcNow() + Limits.Lifetime,
        ResendAvailableAt = time.GetUtcNow() + Limits.ResendCooldown,
    };

    [Fact]
    public async Task VerifyAsync_LongAfterExpiryButWithinTheMargin_AnswersExpiredNotNotFound()
    {
        await store.CreateAsync(Challenge("a"), ct);
        time.Advance(TimeSpan.FromMinutes(50));
        await store.CreateAsync(Challenge("b"), ct); // gives the sweeper a chance to run

        Assert.Equal(VerifyStatus.Expired, (await store.VerifyAsync("a", Mac, time.GetUtcNow(), Limits, ct)).Status);
    }

    [Fact]
    public async Task CreateAsync_HoursLater_SweepsChallengesPastTheMargin()
    {
        await store.CreateAsync(Challenge("a"), ct);
        time.Advance(TimeSpan.FromHours(2));

        await store.CreateAsync(Challenge("b"), ct);

        Assert.Null(await store.GetAsync("a", ct));
        Assert.NotNull(await store.GetAsync("b", ct));
    }
}
