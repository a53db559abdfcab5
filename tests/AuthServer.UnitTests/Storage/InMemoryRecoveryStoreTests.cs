using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

public class InMemoryRecoveryStoreTests
{
    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemoryRecoveryStore store;
    private readonly CancellationToken ct = CancellationToken.None;

    public InMemoryRecoveryStoreTests() => store = new InMemoryRecoveryStore(time);

    private RecoveryRecord Recovery(string id, string? customerId = "c-1") => new()
    {
        Id = id,
        CustomerId = customerId,
        CardHash = "card-hash",
        Language = "es-ES",
        Channel = "web",
        CreatedAt = time.GetUtcNow(),
        ExpiresAt = time.GetUtcNow().AddMinutes(30),
    };

    [Fact]
    public async Task BlockCardAsync_RepeatedBlocks_EscalateAndExpire()
    {
        var first = TimeSpan.FromHours(1);
        var max = TimeSpan.FromHours(3);
        Assert.Null(await store.GetCardBlockAsync("card-a", time.GetUtcNow(), ct));

        var until1 = await store.BlockCardAsync("card-a", time.GetUtcNow(), first, max, ct);
        Assert.Equal(time.GetUtcNow() + first, until1);
        Assert.Equal(until1, await store.GetCardBlockAsync("card-a", time.GetUtcNow(), ct));
        Assert.Null(await store.GetCardBlockAsync("card-b", time.GetUtcNow(), ct));

        time.Advance(first);
        Assert.Null(await store.GetCardBlockAsync("card-a", time.GetUtcNow(), ct));

        Assert.Equal(time.GetUtcNow() + TimeSpan.FromHours(2), await store.BlockCardAsync("card-a", time.GetUtcNow(), first, max, ct));
        Assert.Equal(time.GetUtcNow() + max, await store.BlockCardAsync("card-a", time.GetUtcNow(), first, max, ct));
    }

    [Fact]
    public async Task GetAsync_BeforeExpiry_ReturnsRecordIncludingDecoys()
    {
        await store.CreateAsync(Recovery("r-1"), ct);
        await store.CreateAsync(Recovery("r-decoy", customerId: null), ct);

        Assert.Equal("c-1", (await store.GetAsync("r-1", ct))!.CustomerId);
        Assert.Null((await store.GetAsync("r-decoy", ct))!.CustomerId);
    }

    [Fact]
    public async Task GetAsync_AtExpiry_ReturnsNull()
    {
        await store.CreateAsync(Recovery("r-1"), ct);
        time.Advance(TimeSpan.FromMinutes(30));

        Assert.Null(await store.GetAsync("r-1", ct));
    }

    [Fact]
    public async Task CreateAsync_SameId_ThrowsAndKeepsTheFirst()
    {
        await store.CreateAsync(Recovery("r-1"), ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateAsync(Recovery("r-1", "c-2"), ct));
        Assert.Equal("c-1", (await store.GetAsync("r-1", ct))!.CustomerId);
    }

    [Fact]
    public async Task SetStateAsync_Known_ChangesOnlyTheState()
    {
        await store.CreateAsync(Recovery("r-1"), ct);

        await store.SetStateAsync("r-1", RecoveryState.Blocked, ct);

        var after = (await store.GetAsync("r-1", ct))!;
        Assert.Equal(RecoveryState.Blocked, after.State);
        Assert.Equal("c-1", after.CustomerId);
    }

    [Fact]
    public async Task SetStateAsync_Unknown_ThrowsAndCreatesNothing()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetStateAsync("nope", RecoveryState.Completed, ct));
        Assert.Null(await store.GetAsync("nope", ct));
    }
}
