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

    public static TheoryData<string> ReissueCases => new(ChallengeRuleCases.All
        .Where(c => c.Action == ChallengeAction.Reissue)
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

    [Theory]
    [MemberData(nameof(ReissueCases))]
    public void ReissueRefusal_EveryReissueCase_RefusesExactlyWhatReissueRefuses(string name)
    {
        var c = ChallengeRuleCases.Named(name);

        var refusal = ChallengeRules.ReissueRefusal(c.Given, c.Now, c.Limits);

        // The call centre refuses from this before spending a card check: it must neither refuse a code Reissue would
        // issue nor let through one Reissue would refuse.
        var status = Assert.IsType<ReissueStatus>(c.Expected);
        if (status == ReissueStatus.Reissued)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.Equal(status, refusal?.Status);
            Assert.Equal(ChallengeRuleCases.Describe(c.Then), ChallengeRuleCases.Describe(refusal?.Challenge));
        }
    }

    [Fact]
    public void Issue_Now_CodeLivesItsLifetimeFirstResendAfterTheCooldown()
    {
        var limits = ChallengeRuleCases.Limits;

        var issued = ChallengeRules.Issue("c", ChallengeRuleCases.Right, ChallengeRuleCases.Start, limits);

        Assert.Equal(
            $"c mac={Convert.ToHexString(ChallengeRuleCases.Right)} exp={ChallengeRuleCases.At(300):O} rat={ChallengeRuleCases.At(30):O} rs=0 cf=0 tf=0 st=Active",
            ChallengeRuleCases.Describe(issued));
        Assert.Equal(3, ChallengeRules.ResendsRemaining(issued, limits));
    }

    [Fact]
    public void ResendsRemaining_MoreResendsThanNowAllowed_Zero()
    {
        var c = ChallengeRules.Issue("c", ChallengeRuleCases.Right, ChallengeRuleCases.Start, ChallengeRuleCases.Limits) with { Resends = 3 };

        // A limit lowered in configuration after resends were made leaves none, never a negative count.
        Assert.Equal(0, ChallengeRules.ResendsRemaining(c, ChallengeRuleCases.Limits with { MaxResends = 1 }));
        Assert.Equal(1, ChallengeRules.ResendsRemaining(c, ChallengeRuleCases.Limits with { MaxResends = 4 }));
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
