using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.SharedTests.Customers;

/// <summary>
/// The customer rules (credential transitions, login counting and blocking, block escalation), one table of cases
/// (<see cref="CustomerRuleCases"/>) run on every target: the pure functions and the in-memory provider in the unit
/// project, the Redis provider (its Lua mirrors the functions) in the integration project. A sealed subclass per target.
/// </summary>
public abstract class CustomerRuleContract
{
    public static TheoryData<string> Cases => [.. CustomerRuleCases.All.Select(c => c.Name)];

    protected abstract ICustomerRuleTarget CreateTarget();

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(CustomerRuleContract))]
    public async Task Rules_TabledCase_GiveTheTabledResultsAndCredentials(string name)
    {
        var rule = CustomerRuleCases.Named(name);
        var target = CreateTarget();
        await target.SeedAsync(rule.Given);

        for (var i = 0; i < rule.Steps.Count; i++)
        {
            var step = rule.Steps[i];
            var actual = await target.RunAsync(step);
            Assert.True(Equals(step.Expected, actual), $"Step {i + 1} ({step with { Expected = null }}): expected {Show(step.Expected)}, got {Show(actual)}.");
        }

        AssertSameCredentials(rule.Then, await target.ReadAsync());
    }

    private static string Show(object? value) => value is null ? "null" : $"{value} ({value.GetType().Name})";

    private static void AssertSameCredentials(CredentialRecord expected, CredentialRecord actual)
    {
        Assert.Equal(
            expected with { TemporaryPasswordMac = null, History = Array.Empty<string>() },
            actual with { TemporaryPasswordMac = null, History = Array.Empty<string>() });
        Assert.Equal(expected.TemporaryPasswordMac, actual.TemporaryPasswordMac);
        Assert.Equal(expected.History, actual.History);
    }
}
