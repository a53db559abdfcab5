using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryOperationCodeStepContractTests : OperationCodeStepContract
{
    protected override (IOperationStore Operations, IChallengeStore Challenges, IWrongCodeLedger Ledger, IAuthenticatorStore Authenticators, ICustomerStore Customers)
        CreateStores(TimeProvider time)
    {
        var challenges = new InMemoryChallengeStore(time);
        var ledger = new InMemoryWrongCodeLedger();
        var customers = new InMemoryCustomerStore();
        var authenticators = new InMemoryAuthenticatorStore(customers, challenges, ledger);
        return (new InMemoryOperationStore(challenges, ledger, authenticators, customers, time), challenges, ledger, authenticators, customers);
    }
}
