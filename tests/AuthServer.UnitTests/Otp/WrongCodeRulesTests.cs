using Recovery.AuthServer.Otp;
using Recovery.AuthServer.SharedTests.Otp;

namespace Recovery.AuthServer.UnitTests.Otp;

/// <summary>
/// The rows of <see cref="WrongCodeRuleCases"/> on the pure functions of <see cref="WrongCodeRules"/>; the same rows run
/// on the in-memory ledger (Storage.InMemoryWrongCodeRuleContractTests) and on Redis (IntegrationTests).
/// </summary>
public class WrongCodeRulesTests
{
    public static TheoryData<string> Cases => WrongCodeRuleCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_RuleCase_AnswersAndLeavesWhatTheTableSays(string name)
    {
        var c = WrongCodeRuleCases.Named(name);

        var (result, then) = WrongCodeRuleCases.OnRules(c);

        Assert.Equal(c.Expected, result);
        foreach (var scope in c.Scopes.Distinct(StringComparer.Ordinal))
        {
            Assert.Equal(WrongCodeRuleCases.Describe(c.Then.GetValueOrDefault(scope, [])), WrongCodeRuleCases.Describe(then[scope]));
        }
    }

    [Fact]
    public void Take_Granted_LeavesTheGivenEntriesUntouched()
    {
        WrongCodeEntry[] given = [new("1", WrongCodeRuleCases.At(-100), Pending: false)];

        WrongCodeRules.Take([given], "t", WrongCodeRuleCases.Limit, WrongCodeRuleCases.Window, WrongCodeRuleCases.Now);

        // A pure function: the provider decides whether (and atomically how) the entries after it are stored.
        Assert.Equal([new WrongCodeEntry("1", WrongCodeRuleCases.At(-100), Pending: false)], given);
    }
}
