using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

public sealed class InMemoryDecoyOutboxTests() : DecoyOutboxTests(ServerOptions.Default);
