using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryOperationCodeStepContractTests : OperationCodeStepContract
{
    protected override (IOperationStore Operations, IChallengeStore Challenges, IWrongCodeLedger Ledger, IAuthenticatorStore Authenticators) CreateStores(TimeProvider time)
    {
        var challenges = new InMemoryChallengeStore(time);
        var ledger = new InMemoryWrongCodeLedger();
        var authenticators = new InMemoryAuthenticatorStore(new InMemoryCustomerStore(), challenges, ledger);
        return (new InMemoryOperationStore(challenges, ledger, authenticators, time), challenges, ledger, authenticators);
    }
}
