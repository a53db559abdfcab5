using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryOperationStoreContractTests : OperationStoreContract
{
    protected override IOperationStore CreateStore(TimeProvider time) => new InMemoryOperationStore(time);
}
