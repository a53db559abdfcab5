using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

public sealed class InMemoryWrongCodeBudgetTests : WrongCodeBudgetTests
{
    private protected override int NodeCount => 1;

    private protected override Task<ServerOptions> NodeOptionsAsync() => Task.FromResult(new ServerOptions(DefaultRateLimits: true));
}
