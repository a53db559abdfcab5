using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.SharedTests.RateLimiting;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

/// <summary>The GCRA table on the in-memory limiter: its lock and its map around Gcra.Acquire, row by row.</summary>
public sealed class InMemoryGcraContractTests : GcraContract
{
    protected override IRateLimiter CreateLimiter() => new InMemoryRateLimiter();
}
