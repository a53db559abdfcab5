using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryChallengeStoreContractTests : ChallengeStoreContract
{
    protected override IChallengeStore CreateStore(TimeProvider time) => new InMemoryChallengeStore(time);
}
