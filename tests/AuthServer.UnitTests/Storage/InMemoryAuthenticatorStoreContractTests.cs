using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryAuthenticatorStoreContractTests : AuthenticatorStoreContract
{
    public InMemoryAuthenticatorStoreContractTests() => Challenges = new InMemoryChallengeStore(Time);

    protected override ICustomerStore Customers => Store;

    protected override IChallengeStore Challenges { get; }

    private InMemoryCustomerStore Store { get; } = new();

    private InMemoryWrongCodeLedger Ledger { get; } = new();

    protected override IAuthenticatorStore CreateStore(TimeProvider time) => new InMemoryAuthenticatorStore(Store, Challenges, Ledger);
}
