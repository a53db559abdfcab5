using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.SharedTests.Otp;

/// <summary>
/// <see cref="WrongCodeRuleCases"/> on an <see cref="IWrongCodeLedger"/>: every row's answer, then what each scope
/// holds as seen through takes. Run on the in-memory ledger (UnitTests) and on Redis (IntegrationTests); the rows also
/// run on the pure functions.
/// </summary>
public abstract class WrongCodeRuleContract
{
    public static TheoryData<string> Cases => WrongCodeRuleCases.Names;

    protected abstract IWrongCodeLedger CreateLedger();

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(WrongCodeRuleContract))]
    public async Task Step_RuleCase_AnswersAndHoldsWhatTheRulesSay(string name)
    {
        var c = WrongCodeRuleCases.Named(name);
        var ledger = CreateLedger();

        var result = await WrongCodeRuleCases.OnLedgerAsync(c, ledger);

        Assert.Equal(c.Expected, result);
        foreach (var scope in c.Given.Keys.Concat(c.Then.Keys).Concat(c.Scopes).Distinct(StringComparer.Ordinal))
        {
            await WrongCodeRuleCases.AssertLedgerHoldsAsync(ledger, scope, c.Then.GetValueOrDefault(scope, []));
        }
    }
}
