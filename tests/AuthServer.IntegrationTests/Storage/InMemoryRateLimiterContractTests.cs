using Recovery.AuthServer.RateLimiting;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class InMemoryRateLimiterContractTests : RateLimiterContract
{
    protected override IRateLimiter CreateLimiter() => new InMemoryRateLimiter();
}
