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

    protected override IWrongCodeLedger Ledger { get; } = new InMemoryWrongCodeLedger();

    protected override IAuthenticatorStore CreateStore(TimeProvider time) => new InMemoryAuthenticatorStore(Store, Challenges, Ledger);
}
