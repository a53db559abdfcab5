using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryRateLimiterContractTests : RateLimiterContract
{
    protected override IRateLimiter CreateLimiter() => new InMemoryRateLimiter();
}
