using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryCustomerStoreContractTests : CustomerStoreContract
{
    protected override ICustomerStore CreateStore(TimeProvider time) => new InMemoryCustomerStore();
}
