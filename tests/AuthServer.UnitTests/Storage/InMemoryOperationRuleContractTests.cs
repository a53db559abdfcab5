using Recovery.AuthServer.Operations;
using Recovery.AuthServer.SharedTests.Operations;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

/// <summary>The operation rule table on the in-memory store: the store applies OperationRules under its lock.</summary>
public sealed class InMemoryOperationRuleContractTests : OperationRuleContract
{
    protected override IOperationStore CreateStore(TimeProvider time) => InMemoryOperationStores.Create(new InMemoryChallengeStore(time), time);
}
