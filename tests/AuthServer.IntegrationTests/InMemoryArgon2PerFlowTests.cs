using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

public sealed class InMemoryArgon2PerFlowTests() : Argon2PerFlowTests(ServerOptions.Default);
