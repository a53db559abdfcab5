using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Recovery;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="IRecoveryStore"/> provider must do; run once per provider by a sealed subclass.</summary>
public abstract class RecoveryStoreContract
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    protected static readonly string CardHash = StoreContractSecrets.PanHash;

    private readonly object storeGate = new();
    private IRecoveryStore? store;

    protected FakeTimeProvider Time { get; } = new(Start);

    // Created on first use (a subclass's fields are not ready in this constructor), once even when a
    // test's first touch is from many threads at once.
    protected IRecoveryStore Store
    {
        get
        {
            lock (storeGate)
            {
                return store ??= CreateStore(Time);
            }
        }
    }

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract IRecoveryStore CreateStore(TimeProvider time);

    protected RecoveryRecord Recovery(string id, string? customerId = "c-1") => new()
    {
        Id = id,
        CustomerId = customerId,
        CardHash = CardHash,
        Language = "es-ES",
        Channel = "web",
        CreatedAt = Time.GetUtcNow(),
        ExpiresAt = Time.GetUtcNow() + Lifetime,
    };

    [Fact]
    public async Task GetAsync_BeforeExpiry_ReturnsEveryFieldIncludingDecoys()
    {
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();
        await Store.CreateAsync(Recovery("r-decoy", customerId: null), Ct).Within();

        Assert.Equal(Recovery("r-1"), await Store.GetAsync("r-1", Ct).Within());
        Assert.Equal(Recovery("r-decoy", customerId: null), await Store.GetAsync("r-decoy", Ct).Within());
        Assert.Null(await Store.GetAsync("r-unknown", Ct).Within());
    }

    [Fact]
    public async Task GetAsync_AtExpiry_ReturnsNull()
    {
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();
        Time.Advance(Lifetime - TimeSpan.FromSeconds(1));
        Assert.NotNull(await Store.GetAsync("r-1", Ct).Within());

        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await Store.GetAsync("r-1", Ct).Within());
    }

    [Fact]
    public async Task CreateAsync_SameId_ThrowsAndKeepsTheFirst()
    {
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CreateAsync(Recovery("r-1", "c-2"), Ct).Within());
        Assert.Equal("c-1", (await Store.GetAsync("r-1", Ct).Within())!.CustomerId);
    }

    [Fact]
    public async Task SetStateAsync_Known_ChangesOnlyTheState()
    {
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();

        await Store.SetStateAsync("r-1", RecoveryState.Blocked, Ct).Within();

        Assert.Equal(Recovery("r-1") with { State = RecoveryState.Blocked }, await Store.GetAsync("r-1", Ct).Within());
    }

    [Fact]
    public async Task SetStateAsync_Unknown_ThrowsAndCreatesNothing()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SetStateAsync("nope", RecoveryState.Completed, Ct).Within());
        Assert.Null(await Store.GetAsync("nope", Ct).Within());
    }

    [Fact]
    public async Task BlockCardAsync_RepeatedBlocks_EscalateAndExpire()
    {
        var first = TimeSpan.FromHours(1);
        var max = TimeSpan.FromHours(3);
        Assert.Null(await Store.GetCardBlockAsync("card-a", Time.GetUtcNow(), Ct).Within());

        var until1 = await Store.BlockCardAsync("card-a", Time.GetUtcNow(), first, max, Ct).Within();
        Assert.Equal(Time.GetUtcNow() + first, until1);
        Assert.Equal(until1, await Store.GetCardBlockAsync("card-a", Time.GetUtcNow(), Ct).Within());
        Assert.Null(await Store.GetCardBlockAsync("card-b", Time.GetUtcNow(), Ct).Within());

        Time.Advance(first);
        Assert.Null(await Store.GetCardBlockAsync("card-a", Time.GetUtcNow(), Ct).Within());

        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromHours(2), await Store.BlockCardAsync("card-a", Time.GetUtcNow(), first, max, Ct).Within());
        Assert.Equal(Time.GetUtcNow() + max, await Store.BlockCardAsync("card-a", Time.GetUtcNow(), first, max, Ct).Within());
    }

    [Fact]
    public async Task BlockCardAsync_AtLeastUntilLaterThanTheEscalation_LastsUntilThenAndStillEscalates()
    {
        var first = TimeSpan.FromHours(1);
        var floor = Time.GetUtcNow() + TimeSpan.FromHours(24);

        Assert.Equal(floor, await Store.BlockCardAsync("card-a", Time.GetUtcNow(), first, TimeSpan.FromDays(7), Ct, floor).Within());
        Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(floor, await Store.GetCardBlockAsync("card-a", Time.GetUtcNow(), Ct).Within());

        // An earlier floor changes nothing: the escalation (now 2 h, the second block) wins.
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromHours(2), await Store.BlockCardAsync("card-a", Time.GetUtcNow(), first, TimeSpan.FromDays(7), Ct, Time.GetUtcNow()).Within());
    }

    [Fact]
    public async Task BlockCardAsync_InParallel_EachCountedOnce()
    {
        var first = TimeSpan.FromMinutes(1);
        var max = TimeSpan.FromDays(30);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            Store.BlockCardAsync("card-a", Start, first, max, Ct)))).Within();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => Start + RecoveryBlock.Duration(i, first, max)), results.Order());
    }
}
