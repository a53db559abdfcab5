using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryAuthenticatorStoreContractTests : AuthenticatorStoreContract
{
    protected override ICustomerStore Customers { get; } = new InMemoryCustomerStore();

    protected override IAuthenticatorStore CreateStore(TimeProvider time) => new InMemoryAuthenticatorStore(Customers);
}
