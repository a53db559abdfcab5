using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

/// <summary>The challenge store when an authenticator app can sign beside the SMS code.</summary>
public class InMemoryChallengeStoreOtherFactorTests
{
    private static readonly ChallengeLimits Limits = new(3, 5, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), 3);
    private static readonly byte[] Mac = Enumerable.Repeat((byte)7, 32).ToArray();
    private static readonly byte[] Wrong = new byte[32];

    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemoryChallengeStore store;
    private readonly CancellationToken ct = CancellationToken.None;

    public InMemoryChallengeStoreOtherFactorTests()
    {
        store = new InMemoryChallengeStore(time);
        store.CreateAsync(new Challenge { Id = "a", CodeMac = Mac, ExpiresAt = time.GetUtcNow() + Limits.Lifetime, ResendAvailableAt = time.GetUtcNow() }, ct).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task VerifyAsync_CountWhileInactiveAfterBurn_KeepsCountingUntilClosed()
    {
        var results = new List<VerifyResult>();
        for (var i = 0; i < 6; i++)
        {
            results.Add(await store.VerifyAsync("a", Wrong, time.GetUtcNow(), Limits, ct, countWhileInactive: true));
        }

        Assert.Equal(
            [new(VerifyStatus.Incorrect, 4, Counted: true), new(VerifyStatus.Incorrect, 3, Counted: true), new(VerifyStatus.Incorrect, 2, Counted: true), new(VerifyStatus.Incorrect, 1, Counted: true), new(VerifyStatus.Closed, 0, true, Counted: true), new(VerifyStatus.Closed)],
            results);
        Assert.Equal(5, (await store.GetAsync("a", ct))!.TotalFailures);
    }

    [Fact]
    public async Task VerifyAsync_CountWhileInactiveAfterExpiry_CountsAndTheRightSmsCodeNoLongerWins()
    {
        time.Advance(Limits.Lifetime);

        var wrong = await store.VerifyAsync("a", Wrong, time.GetUtcNow(), Limits, ct, countWhileInactive: true);
        var right = await store.VerifyAsync("a", Mac, time.GetUtcNow(), Limits, ct, countWhileInactive: true);

        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 4, Counted: true), wrong);
        Assert.Equal(new VerifyResult(VerifyStatus.Incorrect, 3, Counted: true), right);
        Assert.Equal(ChallengeState.Active, (await store.GetAsync("a", ct))!.State);
    }

    [Fact]
    public async Task VerifyAsync_WithoutCountWhileInactiveAfterExpiry_ExpiredAndNotCounted()
    {
        time.Advance(Limits.Lifetime);

        Assert.Equal(VerifyStatus.Expired, (await store.VerifyAsync("a", Wrong, time.GetUtcNow(), Limits, ct)).Status);
        Assert.Equal(0, (await store.GetAsync("a", ct))!.TotalFailures);
    }

    [Fact]
    public async Task AcceptOtherFactorAsync_Burned_VerifiedThenSmsCodeAlreadyUsed()
    {
        for (var i = 0; i < 3; i++)
        {
            await store.VerifyAsync("a", Wrong, time.GetUtcNow(), Limits, ct);
        }

        Assert.Equal(VerifyStatus.Verified, (await store.AcceptOtherFactorAsync("a", ct)).Status);
        Assert.Equal(VerifyStatus.AlreadyUsed, (await store.VerifyAsync("a", Mac, time.GetUtcNow(), Limits, ct)).Status);
        Assert.Equal(VerifyStatus.AlreadyUsed, (await store.AcceptOtherFactorAsync("a", ct)).Status);
    }

    [Fact]
    public async Task AcceptOtherFactorAsync_Closed_ClosedAndStaysClosed()
    {
        await store.CloseAsync("a", ct);

        Assert.Equal(VerifyStatus.Closed, (await store.AcceptOtherFactorAsync("a", ct)).Status);
        Assert.Equal(ChallengeState.Closed, (await store.GetAsync("a", ct))!.State);
    }

    [Fact]
    public async Task AcceptOtherFactorAsync_RacingTheSmsCode_ExactlyOneWins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(
            () => i % 2 == 0 ? store.AcceptOtherFactorAsync("a", ct) : store.VerifyAsync("a", Mac, time.GetUtcNow(), Limits, ct), ct)));

        Assert.Single(results, r => r.Status == VerifyStatus.Verified);
    }
}
