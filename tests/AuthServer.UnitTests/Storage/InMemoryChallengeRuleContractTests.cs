using Recovery.AuthServer.Otp;
using Recovery.AuthServer.SharedTests.Otp;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryChallengeRuleContractTests : ChallengeRuleContract
{
    protected override IChallengeStore CreateStore(TimeProvider time) => new InMemoryChallengeStore(time);
}
