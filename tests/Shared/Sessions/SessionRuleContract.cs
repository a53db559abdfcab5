using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Sessions;

namespace Recovery.AuthServer.SharedTests.Sessions;

/// <summary>
/// <see cref="SessionRuleCases"/> on an <see cref="ISessionStore"/>, row by row. Run on the in-memory store
/// (UnitTests) and on Redis (IntegrationTests); the same rows run on <see cref="SessionRules"/> itself.
/// </summary>
public abstract class SessionRuleContract
{
    public static TheoryData<string> Cases => SessionRuleCases.Names;

    protected abstract ISessionStore CreateStore(TimeProvider time);

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(SessionRuleContract))]
    public async Task Use_RuleCase_WorksAsTheRulesSay(string name)
    {
        var c = SessionRuleCases.Named(name);
        var store = CreateStore(new FakeTimeProvider(SessionRuleCases.Start));

        var (works, probeWorks) = await SessionRuleCases.OnStoreAsync(c, store);

        Assert.Equal((c.Works, c.ProbeWorks), (works, probeWorks));
    }
}
