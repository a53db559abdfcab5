using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryWrongCodeLedgerContractTests : WrongCodeLedgerContract
{
    protected override IWrongCodeLedger CreateLedger() => new InMemoryWrongCodeLedger();
}
