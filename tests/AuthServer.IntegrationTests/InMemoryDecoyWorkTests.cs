using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

public sealed class InMemoryDecoyWorkTests() : DecoyWorkTests(new StoreCalls(), ServerOptions.Default);
