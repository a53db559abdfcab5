using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>An in-memory operation store over <c>challenges</c>, with a ledger and an authenticator store of its own.</summary>
internal static class InMemoryOperationStores
{
    public static InMemoryOperationStore Create(IChallengeStore challenges, TimeProvider time)
    {
        var ledger = new InMemoryWrongCodeLedger();
        return new InMemoryOperationStore(challenges, ledger, new InMemoryAuthenticatorStore(new InMemoryCustomerStore(), challenges, ledger), time);
    }
}
