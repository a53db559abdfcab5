using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryIdempotencyStoreContractTests : IdempotencyStoreContract
{
    protected override IIdempotencyStore CreateStore(TimeProvider time) => new InMemoryIdempotencyStore(time);
}
