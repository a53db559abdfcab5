using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;
using Recovery.AuthServer.SharedTests.Customers;

namespace Recovery.AuthServer.UnitTests.Storage;

public class InMemoryCustomerStoreTests
{
    private const string OldHash = "$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$old$old";
    private const string NewHash = "$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$new$new";

    private static readonly CustomerRecord Customer = SeedCustomerRecord.With(new CardRecord("pan-hash-1", "454881", "0335", "12/28"));

    private readonly InMemoryCustomerStore store = new();
    private readonly CancellationToken ct = CancellationToken.None;

    private async Task<InMemoryCustomerStore> WithCustomer(string? passwordHash = OldHash)
    {
        Assert.True(await store.AddIfAbsentAsync(Customer, new CredentialRecord { CustomerId = "ignored", PasswordHash = passwordHash }, ct));
        return store;
    }

    [Fact]
    public async Task AddIfAbsentAsync_SameUserCodeOrCardUnderAnotherId_Refused()
    {
        await WithCustomer();

        var sameUserCode = await store.AddIfAbsentAsync(Customer with { Id = "c-2", Cards = [] }, new CredentialRecord { CustomerId = "c-2" }, ct);
        var sameCard = await store.AddIfAbsentAsync(Customer with { Id = "c-3", UserCode = "80000000" }, new CredentialRecord { CustomerId = "c-3" }, ct);

        Assert.False(sameUserCode);
        Assert.False(sameCard);
        Assert.Null(await store.GetAsync("c-2", ct));
        Assert.Null(await store.GetAsync("c-3", ct));
        Assert.Equal("c-1", (await store.FindByCardAsync("pan-hash-1", ct))!.Id);
    }

    [Fact]
    public async Task FindAsync_Unknown_ReturnsNull()
    {
        await WithCustomer();

        Assert.Null(await store.GetAsync("nobody", ct));
        Assert.Null(await store.FindByUserCodeAsync("nobody", ct));
        Assert.Null(await store.FindByCardAsync("nobody", ct));
        Assert.Null(await store.GetCredentialsAsync("nobody", ct));
    }

    [Fact]
    public async Task RecordLoginFailureAsync_BelowMax_StaysActive()
    {
        await WithCustomer();
        for (var i = 0; i < 4; i++)
        {
            await store.RecordLoginFailureAsync("c-1", 5, ct);
        }

        Assert.Equal(CredentialState.Active, (await store.GetCredentialsAsync("c-1", ct))!.State);
    }

    [Fact]
    public async Task RecordLoginFailureAsync_ParallelAtTheLimit_JustBlockedExactlyOnce()
    {
        await WithCustomer();

        var results = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(_ => Task.Run(() => store.RecordLoginFailureAsync("c-1", 5, ct), ct)));

        Assert.Single(results, r => r.JustBlocked);
        Assert.Equal(40, (await store.GetCredentialsAsync("c-1", ct))!.FailedLogins);
    }

    [Fact]
    public async Task SucceedLoginAsync_NoUpgrade_KeepsHash()
    {
        await WithCustomer();
        var start = await store.BeginLoginAsync(LoginSubject.Customer("c-1"), "t-1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(2), 5, ct);

        Assert.True(await store.SucceedLoginAsync("c-1", "t-1", start.FailedBefore, null, 0, ct));

        Assert.Equal(OldHash, (await store.GetCredentialsAsync("c-1", ct))!.PasswordHash);
    }

    [Fact]
    public async Task CommitPasswordAsync_SameVersionTwiceInParallel_OnlyOneWins()
    {
        await WithCustomer();
        var version = (await store.GetCredentialsAsync("c-1", ct))!.Version;

        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => store.CommitPasswordAsync("c-1", NewHash + i, version, 5, Guid.NewGuid().ToString(), ct), ct)));

        Assert.Single(results, r => r);
        Assert.Equal(version + 1, (await store.GetCredentialsAsync("c-1", ct))!.Version);
    }

    [Fact]
    public async Task Mutations_UnknownCustomer_Throw()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RecordLoginFailureAsync("nobody", 5, ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitPasswordAsync("nobody", NewHash, 0, 5, Guid.NewGuid().ToString(), ct));
    }
}
