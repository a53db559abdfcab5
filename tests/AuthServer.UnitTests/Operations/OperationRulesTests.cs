using Recovery.AuthServer.Operations;
using Recovery.AuthServer.SharedTests.Operations;

namespace Recovery.AuthServer.UnitTests.Operations;

/// <summary>The rows of <see cref="OperationRuleCases"/> on the pure functions: the rules as written, with no store in between.</summary>
public sealed class OperationRulesTests
{
    public static TheoryData<string> Cases => OperationRuleCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rules_RuleCase_AnswerAndStateAsTheTableSays(string name)
    {
        var c = OperationRuleCases.Named(name);

        var (result, then, holder) = OperationRuleCases.OnRules(c);

        OperationRuleCases.AssertOutcome(c, result, then, holder);
    }

    [Fact]
    public void Cases_EveryActionAndEveryOutcomeCovered()
    {
        var outcomes = OperationRuleCases.All.Select(c => (c.Step.Action, c.Expected)).Distinct().ToList();

        Assert.Contains((OperationAction.Create, (object)true), outcomes);
        Assert.Contains((OperationAction.Create, (object)false), outcomes);
        Assert.Contains((OperationAction.Complete, (object)true), outcomes);
        Assert.Contains((OperationAction.Complete, (object)false), outcomes);
        foreach (var status in Enum.GetValues<CardCheckTakeStatus>())
        {
            Assert.Contains(outcomes, o => o.Action == OperationAction.TakeCardCheck && ((CardCheckTake)o.Expected).Status == status);
        }
    }

    [Theory]
    [InlineData(OperationState.Pending)]
    [InlineData((OperationState)42)]
    public void CanComplete_NotAFinalTarget_Throws(OperationState target) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OperationRules.CanComplete(OperationState.Pending, target));

    [Fact]
    public void IsReferenceFree_HolderOneTickBeforeItsEnd_Taken()
    {
        var end = OperationRuleCases.End;

        Assert.False(OperationRules.IsReferenceFree(new ReferenceHold("op-1", Open: true, end), "op-2", end - TimeSpan.FromTicks(1)));
        Assert.True(OperationRules.IsReferenceFree(new ReferenceHold("op-1", Open: true, end), "op-2", end));
    }
}
