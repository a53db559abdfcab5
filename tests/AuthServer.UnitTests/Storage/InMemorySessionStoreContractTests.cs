using Recovery.AuthServer.Sessions;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemorySessionStoreContractTests : SessionStoreContract
{
    protected override ISessionStore CreateStore(TimeProvider time) => new InMemorySessionStore(time);
}
