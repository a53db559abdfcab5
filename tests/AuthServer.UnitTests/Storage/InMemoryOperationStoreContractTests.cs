using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryOperationStoreContractTests : OperationStoreContract
{
    private InMemoryChallengeStore? challenges;

    protected override IOperationStore CreateStore(TimeProvider time) => InMemoryOperationStores.Create(CreateChallengeStore(time), time);

    // The one the operation store's code steps use.
    protected override IChallengeStore CreateChallengeStore(TimeProvider time) => challenges ??= new InMemoryChallengeStore(time);
}
