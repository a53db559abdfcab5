using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.Storage.Redis;
using Recovery.AuthServer.UnitTests.TestSupport;
using Recovery.AuthServer.SharedTests.Operations;

namespace Recovery.AuthServer.UnitTests.Storage;

/// <summary>
/// The in-memory maps that only grew (card blocks, operation references) are swept of what has expired,
/// as Redis expires the same keys, so a stranger cannot grow the process's memory without bound.
/// </summary>
public class InMemorySweepTests
{
    private static readonly TimeSpan FirstBlock = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan MaxBlock = TimeSpan.FromHours(24);
    private readonly CancellationToken ct = CancellationToken.None;

    [Fact]
    public async Task BlockCardAsync_BlocksLongForgotten_SweptFromMemory()
    {
        var time = TestClock.Create();
        var store = new InMemoryRecoveryStore(time);
        for (var i = 0; i < 100; i++)
        {
            await store.BlockCardAsync("card-" + i, time.GetUtcNow(), FirstBlock, MaxBlock, ct);
        }

        // Past each block's end plus the longest block plus the margin, as the Redis key's TTL.
        time.Advance(FirstBlock + MaxBlock + RedisRecoveryStore.TtlMargin + TimeSpan.FromMinutes(1));
        await store.BlockCardAsync("card-new", time.GetUtcNow(), FirstBlock, MaxBlock, ct);

        Assert.Equal(1, store.CardBlockCount);
        Assert.Null(await store.GetCardBlockAsync("card-0", time.GetUtcNow(), ct));
    }

    [Fact]
    public async Task BlockCardAsync_BlockStillRemembered_KeptAndNextBlockLonger()
    {
        var time = TestClock.Create();
        var store = new InMemoryRecoveryStore(time);
        await store.BlockCardAsync("card-1", time.GetUtcNow(), FirstBlock, MaxBlock, ct);

        time.Advance(FirstBlock + TimeSpan.FromMinutes(5));
        var second = await store.BlockCardAsync("card-1", time.GetUtcNow(), FirstBlock, MaxBlock, ct);

        Assert.Equal(time.GetUtcNow() + (2 * FirstBlock), second);
        Assert.Equal(1, store.CardBlockCount);
    }

    [Fact]
    public async Task BlockCardAsync_AfterTheCountIsForgotten_StartsAgainAtTheFirstBlock()
    {
        var time = TestClock.Create();
        var store = new InMemoryRecoveryStore(time);
        await store.BlockCardAsync("card-1", time.GetUtcNow(), FirstBlock, MaxBlock, ct);

        time.Advance(FirstBlock + MaxBlock + RedisRecoveryStore.TtlMargin + TimeSpan.FromSeconds(1));
        var again = await store.BlockCardAsync("card-1", time.GetUtcNow(), FirstBlock, MaxBlock, ct);

        Assert.Equal(time.GetUtcNow() + FirstBlock, again);
    }

    [Fact]
    public async Task TryCreateAsync_ReferencesOfExpiredOperations_SweptFromMemory()
    {
        var time = TestClock.Create();
        var store = InMemoryOperationStores.Create(new InMemoryChallengeStore(time), time);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(await store.TryCreateAsync(Operation("op-" + i, (10_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), time), ct));
        }

        Assert.True(await store.TryCompleteAsync("op-0", OperationState.Signed, ct));
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.True(await store.TryCreateAsync(Operation("op-new", "20000000", time), ct));

        Assert.Equal(1, store.ReferenceCount);
        Assert.Null(await store.FindByReferenceAsync("10000001", ct));
        Assert.Equal("op-new", (await store.FindByReferenceAsync("20000000", ct))?.Id);
    }

    [Fact]
    public async Task TryCreateAsync_PendingOperationsReference_KeptByTheSweepAndStillTaken()
    {
        var time = TestClock.Create();
        var store = InMemoryOperationStores.Create(new InMemoryChallengeStore(time), time);
        Assert.True(await store.TryCreateAsync(Operation("op-1", "10000000", time), ct));
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.False(await store.TryCreateAsync(Operation("op-2", "10000000", time), ct));

        Assert.Equal(1, store.ReferenceCount);
        Assert.Equal("op-1", (await store.FindByReferenceAsync("10000000", ct))?.Id);
        Assert.Null(await store.GetAsync("op-2", ct));
    }

    private static OperationRecord Operation(string id, string reference, TimeProvider time) =>
        PendingOperation.Of(id, reference, time.GetUtcNow(), time.GetUtcNow() + TimeSpan.FromMinutes(10));
}
