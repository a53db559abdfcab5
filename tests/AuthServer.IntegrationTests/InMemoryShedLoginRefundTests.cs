using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

public sealed class InMemoryShedLoginRefundTests() : ShedLoginRefundTests(ServerOptions.Default);
