using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.SharedTests.Otp;

/// <summary>
/// <see cref="ChallengeRuleCases"/> on an <see cref="IChallengeStore"/>: every row, then the race no single step shows.
/// Run on the in-memory store (UnitTests) and on Redis (IntegrationTests); the rows also run on the pure functions.
/// </summary>
public abstract class ChallengeRuleContract
{
    public static TheoryData<string> Cases => ChallengeRuleCases.Names;

    protected abstract IChallengeStore CreateStore(TimeProvider time);

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(ChallengeRuleContract))]
    public async Task Step_RuleCase_AnswersAndStoresWhatTheRulesSay(string name)
    {
        var c = ChallengeRuleCases.Named(name);
        var store = CreateStore(new FakeTimeProvider(ChallengeRuleCases.Start));

        var (result, stored) = await ChallengeRuleCases.OnStoreAsync(c, store);

        ChallengeRuleCases.AssertOutcome(c, result, stored);
    }

    [Fact]
    public async Task AcceptOtherFactorAsync_RacingTheRightSmsCode_ExactlyOneWins()
    {
        var time = new FakeTimeProvider(ChallengeRuleCases.Start);
        var store = CreateStore(time);
        var limits = ChallengeRuleCases.Limits;
        await store.CreateAsync(
            new Challenge { Id = "a", CodeMac = ChallengeRuleCases.Right, ExpiresAt = time.GetUtcNow() + limits.Lifetime, ResendAvailableAt = time.GetUtcNow() },
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // A TOTP code and the SMS code sent at once: only one may sign, whichever the store applies first.
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => i % 2 == 0
            ? store.AcceptOtherFactorAsync("a", CancellationToken.None)
            : store.VerifyAsync("a", ChallengeRuleCases.Right, time.GetUtcNow(), limits, CancellationToken.None)))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(results, r => r.Status == VerifyStatus.Verified);
        Assert.Equal(39, results.Count(r => r.Status == VerifyStatus.AlreadyUsed));
        Assert.Equal(ChallengeState.Used, (await store.GetAsync("a", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)))!.State);
    }
}
