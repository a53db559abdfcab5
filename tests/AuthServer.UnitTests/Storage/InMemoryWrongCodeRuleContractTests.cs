using Recovery.AuthServer.Otp;
using Recovery.AuthServer.SharedTests.Otp;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryWrongCodeRuleContractTests : WrongCodeRuleContract
{
    protected override IWrongCodeLedger CreateLedger() => new InMemoryWrongCodeLedger();
}
