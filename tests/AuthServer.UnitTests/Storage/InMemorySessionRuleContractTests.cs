using Recovery.AuthServer.Sessions;
using Recovery.AuthServer.SharedTests.Sessions;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

/// <summary>The session rule table on the in-memory store, which applies SessionRules.</summary>
public sealed class InMemorySessionRuleContractTests : SessionRuleContract
{
    protected override ISessionStore CreateStore(TimeProvider time) => new InMemorySessionStore(time);
}
