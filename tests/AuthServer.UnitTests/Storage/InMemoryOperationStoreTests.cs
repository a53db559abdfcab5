using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

public class InMemoryOperationStoreTests
{
    private const string Reference = "23522111";

    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemoryOperationStore store;
    private readonly CancellationToken ct = CancellationToken.None;

    public InMemoryOperationStoreTests() => store = new InMemoryOperationStore(time);

    private OperationRecord Operation(string id, string reference = Reference, TimeSpan? lifetime = null) => new()
    {
        Id = id,
        Reference = reference,
        CustomerId = "c-1",
        Description = "Cambio de contraseña de Usuario de Banca Electrónica",
        PhoneLastDigits = "032",
        PendingPasswordHash = "$argon2id$...",
        CredentialVersion = 1,
        TicketHash = "ticket",
        Language = "es-ES",
        CreatedAt = time.GetUtcNow(),
        ExpiresAt = time.GetUtcNow() + (lifetime ?? TimeSpan.FromMinutes(10)),
    };

    [Fact]
    public async Task TryCreateAsync_FreeReference_StoresAndFindsByReference()
    {
        var op = Operation("op-1");

        Assert.True(await store.TryCreateAsync(op, ct));
        Assert.Equal(op, await store.GetAsync("op-1", ct));
        Assert.Equal(op, await store.FindByReferenceAsync(Reference, ct));
    }

    [Fact]
    public async Task TryCreateAsync_ReferenceOfAPendingOperation_RefusedAndNothingStored()
    {
        await store.TryCreateAsync(Operation("op-1"), ct);

        var created = await store.TryCreateAsync(Operation("op-2"), ct);

        Assert.False(created);
        Assert.Null(await store.GetAsync("op-2", ct));
        Assert.Equal("op-1", (await store.FindByReferenceAsync(Reference, ct))!.Id);
    }

    [Theory]
    [InlineData(OperationState.Signed)]
    [InlineData(OperationState.Cancelled)]
    [InlineData(OperationState.Expired)]
    public async Task TryCreateAsync_ReferenceOfACompletedOperation_Reused(OperationState state)
    {
        await store.TryCreateAsync(Operation("op-1"), ct);
        await store.TryCompleteAsync("op-1", state, ct);

        Assert.True(await store.TryCreateAsync(Operation("op-2"), ct));
        Assert.Equal("op-2", (await store.FindByReferenceAsync(Reference, ct))!.Id);
        Assert.Equal(state, (await store.GetAsync("op-1", ct))!.State);
    }

    [Fact]
    public async Task TryCreateAsync_ReferenceOfAnOperationPastItsExpiry_Reused()
    {
        await store.TryCreateAsync(Operation("op-1"), ct);
        time.Advance(TimeSpan.FromMinutes(10));

        Assert.True(await store.TryCreateAsync(Operation("op-2"), ct));
        Assert.Equal("op-2", (await store.FindByReferenceAsync(Reference, ct))!.Id);
    }

    [Fact]
    public async Task TryCreateAsync_ReferenceJustBeforeExpiry_StillRefused()
    {
        await store.TryCreateAsync(Operation("op-1"), ct);
        time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));

        Assert.False(await store.TryCreateAsync(Operation("op-2"), ct));
    }

    [Fact]
    public async Task TryCreateAsync_ParallelSameReference_ExactlyOneWins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 30)
            .Select(i => Task.Run(() => store.TryCreateAsync(Operation("op-" + i), ct), ct)));

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task TryCompleteAsync_Pending_MovesToStateOnce()
    {
        await store.TryCreateAsync(Operation("op-1"), ct);

        Assert.True(await store.TryCompleteAsync("op-1", OperationState.Signed, ct));
        Assert.False(await store.TryCompleteAsync("op-1", OperationState.Cancelled, ct));
        Assert.False(await store.TryCompleteAsync("op-1", OperationState.Signed, ct));
        Assert.Equal(OperationState.Signed, (await store.GetAsync("op-1", ct))!.State);
    }

    [Fact]
    public async Task TryCompleteAsync_Unknown_ReturnsFalse()
    {
        Assert.False(await store.TryCompleteAsync("nope", OperationState.Signed, ct));
    }

    [Fact]
    public async Task TryCompleteAsync_ParallelSignAndCancel_ExactlyOneWins()
    {
        await store.TryCreateAsync(Operation("op-1"), ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => Task.Run(() => store.TryCompleteAsync("op-1", i % 2 == 0 ? OperationState.Signed : OperationState.Cancelled, ct), ct)));

        Assert.Single(results, r => r);
    }
}
