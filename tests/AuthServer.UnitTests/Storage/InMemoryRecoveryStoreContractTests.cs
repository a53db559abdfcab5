using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryRecoveryStoreContractTests : RecoveryStoreContract
{
    protected override IRecoveryStore CreateStore(TimeProvider time) =>
        new InMemoryRecoveryStore(time, (InMemoryChallengeStore)Challenges, new InMemoryWrongCodeLedger());

    protected override IChallengeStore CreateChallengeStore(TimeProvider time) => new InMemoryChallengeStore(time);
}
