using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.SharedTests.Operations;

/// <summary>
/// <see cref="OperationRuleCases"/> on an <see cref="IOperationStore"/>, row by row. Run on the in-memory store
/// (UnitTests) and on Redis (IntegrationTests); the same rows run on <see cref="OperationRules"/> itself.
/// </summary>
public abstract class OperationRuleContract
{
    public static TheoryData<string> Cases => OperationRuleCases.Names;

    protected abstract IOperationStore CreateStore(TimeProvider time);

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(OperationRuleContract))]
    public async Task Step_RuleCase_AnswersAndStoresWhatTheRulesSay(string name)
    {
        var c = OperationRuleCases.Named(name);
        var time = new FakeTimeProvider(OperationRuleCases.Start);
        var store = CreateStore(time);

        var (result, then, holder, candidateStored) = await OperationRuleCases.OnStoreAsync(c, store, time.SetUtcNow);

        OperationRuleCases.AssertOutcome(c, result, then, holder);

        // A refused create leaves nothing behind; an accepted one is readable by its id.
        Assert.Equal(c.Step.Action == OperationAction.Create && (bool)c.Expected, candidateStored);
    }

    [Fact]
    public async Task TryCompleteAsync_ToPending_RefusedAsAProgramError()
    {
        var store = CreateStore(new FakeTimeProvider(OperationRuleCases.Start));
        Assert.True(await store.TryCreateAsync(OperationRuleCases.Operation("op-1"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.TryCompleteAsync("op-1", OperationState.Pending, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(OperationState.Pending, (await store.GetAsync("op-1", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)))!.State);
    }
}
