using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>An in-memory operation store over <c>challenges</c>, with a ledger and an authenticator store of its own.</summary>
internal static class InMemoryOperationStores
{
    public static InMemoryOperationStore Create(IChallengeStore challenges, TimeProvider time)
    {
        var ledger = new InMemoryWrongCodeLedger();
        var customers = new InMemoryCustomerStore();
        return new InMemoryOperationStore(challenges, ledger, new InMemoryAuthenticatorStore(customers, challenges, ledger), customers, time);
    }
}
