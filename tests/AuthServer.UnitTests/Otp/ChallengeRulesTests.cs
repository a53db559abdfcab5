using Recovery.AuthServer.Otp;
using Recovery.AuthServer.SharedTests.Otp;

namespace Recovery.AuthServer.UnitTests.Otp;

/// <summary>
/// The rows of <see cref="ChallengeRuleCases"/> on the pure functions of <see cref="ChallengeRules"/>; the same rows
/// run on the in-memory store (Storage.InMemoryChallengeRuleContractTests) and on Redis (IntegrationTests).
/// </summary>
public class ChallengeRulesTests
{
    public static TheoryData<string> Cases => ChallengeRuleCases.Names;

    public static TheoryData<string> VerifyCases => new(ChallengeRuleCases.All
        .Where(c => c.Action is ChallengeAction.Verify or ChallengeAction.VerifyCountingWhileInactive)
        .Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_RuleCase_AnswersAndStoresWhatTheTableSays(string name)
    {
        var c = ChallengeRuleCases.Named(name);

        var (result, stored) = ChallengeRuleCases.OnRules(c);

        ChallengeRuleCases.AssertOutcome(c, result, stored);
    }

    [Theory]
    [MemberData(nameof(VerifyCases))]
    public void Settled_EveryVerifyCase_AnswersAsVerifyWhenNothingIsEvaluated(string name)
    {
        var c = ChallengeRuleCases.Named(name);
        var countWhileInactive = c.Action == ChallengeAction.VerifyCountingWhileInactive;

        var settled = ChallengeRules.Settled(c.Given, c.Now, countWhileInactive);
        var step = ChallengeRules.Verify(c.Given, c.Mac, c.Now, c.Limits, countWhileInactive);

        // A try waiting for its wrong-code budget may be answered from Settled only where Verify would evaluate
        // no code and change nothing; where a code could win, Settled must say so (null).
        if (settled is { } answer)
        {
            Assert.Equal(step.Result, answer);
            Assert.Null(step.Next);
        }
        else
        {
            Assert.True(step.Result.Status == VerifyStatus.Verified || step.Result.Counted, step.Result.ToString());
            Assert.NotNull(step.Next);
        }
    }

    [Fact]
    public void Verify_WrongCode_LeavesTheGivenChallengeUntouched()
    {
        var c = ChallengeRuleCases.Named("Verify_FirstWrongCode_IncorrectTwoLeft");
        var before = ChallengeRuleCases.Describe(c.Given);

        ChallengeRules.Verify(c.Given, c.Mac, c.Now, c.Limits, countWhileInactive: false);

        // A pure function: the provider decides whether (and atomically how) the next state is stored.
        Assert.Equal(before, ChallengeRuleCases.Describe(c.Given));
    }
}
