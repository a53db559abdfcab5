using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Storage;

public class InMemoryCustomerStoreTests
{
    private const string OldHash = "$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$old$old";
    private const string NewHash = "$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$new$new";

    private static readonly CustomerRecord Customer = new()
    {
        Id = "c-1",
        UserCode = "71234567",
        DisplayName = "SERGIO BARRIOS GÓMEZ",
        Email = "sbarrios@ebcc.es",
        Phone = "+34612345331",
        DocumentId = "12345678Z",
        Cards = [new CardRecord("pan-hash-1", "454881", "0335", "12/28")],
    };

    private readonly InMemoryCustomerStore store = new();
    private readonly CancellationToken ct = CancellationToken.None;

    private async Task<InMemoryCustomerStore> WithCustomer(string? passwordHash = OldHash)
    {
        Assert.True(await store.AddIfAbsentAsync(Customer, new CredentialRecord { CustomerId = "ignored", PasswordHash = passwordHash }, ct));
        return store;
    }

    [Fact]
    public async Task AddIfAbsentAsync_New_FindableByIdUserCodeAndCard()
    {
        await WithCustomer();

        Assert.Equal(Customer, await store.GetAsync("c-1", ct));
        Assert.Equal(Customer, await store.FindByUserCodeAsync("71234567", ct));
        Assert.Equal(Customer, await store.FindByCardAsync("pan-hash-1", ct));
        var credentials = await store.GetCredentialsAsync("c-1", ct);
        Assert.Equal("c-1", credentials!.CustomerId); // the store's id wins over the record's
        Assert.Equal(OldHash, credentials.PasswordHash);
    }

    [Fact]
    public async Task AddIfAbsentAsync_SameId_DoesNotOverwrite()
    {
        await WithCustomer();

        var added = await store.AddIfAbsentAsync(
            Customer with { DisplayName = "OTHER", UserCode = "99999999", Cards = [new CardRecord("pan-hash-2", "540375", "1015", "12/28")] },
            new CredentialRecord { CustomerId = "c-1", PasswordHash = NewHash },
            ct);

        Assert.False(added);
        Assert.Equal("SERGIO BARRIOS GÓMEZ", (await store.GetAsync("c-1", ct))!.DisplayName);
        Assert.Equal(OldHash, (await store.GetCredentialsAsync("c-1", ct))!.PasswordHash);
        Assert.Null(await store.FindByUserCodeAsync("99999999", ct));
        Assert.Null(await store.FindByCardAsync("pan-hash-2", ct));
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
    public async Task FindByUserCodeAsync_IgnoresCase()
    {
        await store.AddIfAbsentAsync(Customer with { UserCode = "ab12cd" }, new CredentialRecord { CustomerId = "c-1" }, ct);

        Assert.Equal("c-1", (await store.FindByUserCodeAsync("AB12CD", ct))!.Id);
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
    public async Task RecordLoginFailureAsync_AtMax_BlocksAndJustBlockedOnlyOnce()
    {
        await WithCustomer();

        var failures = new List<LoginFailure>();
        for (var i = 0; i < 7; i++)
        {
            failures.Add(await store.RecordLoginFailureAsync("c-1", 5, ct));
        }

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], failures.Select(f => f.FailedLogins));
        Assert.Equal([false, false, false, false, true, false, false], failures.Select(f => f.JustBlocked));
        Assert.Equal(CredentialState.Blocked, (await store.GetCredentialsAsync("c-1", ct))!.State);
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
    public async Task RecordLoginSuccessAsync_ResetsFailuresAndStoresUpgradedHash()
    {
        await WithCustomer();
        await store.RecordLoginFailureAsync("c-1", 5, ct);
        await store.RecordLoginFailureAsync("c-1", 5, ct);

        await store.RecordLoginSuccessAsync("c-1", NewHash, ct);

        var credentials = (await store.GetCredentialsAsync("c-1", ct))!;
        Assert.Equal(0, credentials.FailedLogins);
        Assert.Equal(NewHash, credentials.PasswordHash);
    }

    [Fact]
    public async Task RecordLoginSuccessAsync_NoUpgrade_KeepsHash()
    {
        await WithCustomer();

        await store.RecordLoginSuccessAsync("c-1", null, ct);

        Assert.Equal(OldHash, (await store.GetCredentialsAsync("c-1", ct))!.PasswordHash);
    }

    [Fact]
    public async Task RestoreWithTemporaryPasswordAsync_Blocked_UnblocksMovesPasswordToHistoryAndBumpsVersion()
    {
        await WithCustomer();
        for (var i = 0; i < 5; i++)
        {
            await store.RecordLoginFailureAsync("c-1", 5, ct);
        }

        var before = (await store.GetCredentialsAsync("c-1", ct))!;
        var mac = new byte[] { 1, 2, 3 };
        var expires = TestClock.Start.AddHours(24);

        var version = await store.RestoreWithTemporaryPasswordAsync("c-1", mac, expires, 5, ct);

        var after = (await store.GetCredentialsAsync("c-1", ct))!;
        Assert.Equal(before.Version + 1, version);
        Assert.Equal(version, after.Version);
        Assert.Equal(CredentialState.Active, after.State);
        Assert.Equal(0, after.FailedLogins);
        Assert.Null(after.PasswordHash);
        Assert.Equal([OldHash], after.History);
        Assert.Equal(mac, after.TemporaryPasswordMac);
        Assert.Equal(expires, after.TemporaryPasswordExpiresAt);
    }

    [Fact]
    public async Task RestoreWithTemporaryPasswordAsync_Twice_DoesNotPushNullIntoHistory()
    {
        await WithCustomer();

        await store.RestoreWithTemporaryPasswordAsync("c-1", [1], TestClock.Start, 5, ct);
        var version = await store.RestoreWithTemporaryPasswordAsync("c-1", [2], TestClock.Start, 5, ct);

        var after = (await store.GetCredentialsAsync("c-1", ct))!;
        Assert.Equal(2, version);
        Assert.Equal([OldHash], after.History);
        Assert.Equal(new byte[] { 2 }, after.TemporaryPasswordMac);
    }

    [Fact]
    public async Task CommitPasswordAsync_CurrentVersion_InstallsPasswordAndClearsTemporary()
    {
        await WithCustomer();
        var version = await store.RestoreWithTemporaryPasswordAsync("c-1", [1, 2, 3], TestClock.Start.AddHours(24), 5, ct);

        var committed = await store.CommitPasswordAsync("c-1", NewHash, version, 5, ct);

        var after = (await store.GetCredentialsAsync("c-1", ct))!;
        Assert.True(committed);
        Assert.Equal(NewHash, after.PasswordHash);
        Assert.Null(after.TemporaryPasswordMac);
        Assert.Null(after.TemporaryPasswordExpiresAt);
        Assert.Equal(version + 1, after.Version);
        Assert.Equal([OldHash], after.History);
    }

    [Fact]
    public async Task CommitPasswordAsync_StaleVersion_RefusedAndNothingChanged()
    {
        await WithCustomer();
        var staleVersion = (await store.GetCredentialsAsync("c-1", ct))!.Version;
        await store.RestoreWithTemporaryPasswordAsync("c-1", [1, 2, 3], TestClock.Start.AddHours(24), 5, ct);
        var before = (await store.GetCredentialsAsync("c-1", ct))!;

        var committed = await store.CommitPasswordAsync("c-1", NewHash, staleVersion, 5, ct);

        Assert.False(committed);
        Assert.Same(before, await store.GetCredentialsAsync("c-1", ct));
    }

    [Fact]
    public async Task CommitPasswordAsync_SameVersionTwiceInParallel_OnlyOneWins()
    {
        await WithCustomer();
        var version = (await store.GetCredentialsAsync("c-1", ct))!.Version;

        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => store.CommitPasswordAsync("c-1", NewHash + i, version, 5, ct), ct)));

        Assert.Single(results, r => r);
        Assert.Equal(version + 1, (await store.GetCredentialsAsync("c-1", ct))!.Version);
    }

    [Fact]
    public async Task CommitPasswordAsync_ManyChanges_HistoryKeepsNewestUpToDepth()
    {
        await WithCustomer("h0");
        for (var i = 1; i <= 7; i++)
        {
            var version = (await store.GetCredentialsAsync("c-1", ct))!.Version;
            Assert.True(await store.CommitPasswordAsync("c-1", "h" + i, version, 5, ct));
        }

        var after = (await store.GetCredentialsAsync("c-1", ct))!;
        Assert.Equal("h7", after.PasswordHash);
        Assert.Equal(["h6", "h5", "h4", "h3", "h2"], after.History);
    }

    [Fact]
    public async Task BlockRecoveryAsync_Repeated_EscalatesAndCaps()
    {
        await WithCustomer();
        var now = TestClock.Start;
        var blocks = new List<TimeSpan>();
        for (var i = 0; i < 7; i++)
        {
            var until = await store.BlockRecoveryAsync("c-1", now, TimeSpan.FromHours(1), TimeSpan.FromHours(24), ct);
            blocks.Add(until - now);
        }

        var credentials = (await store.GetCredentialsAsync("c-1", ct))!;
        Assert.Equal([1, 2, 4, 8, 16, 24, 24], blocks.Select(b => b.TotalHours));
        Assert.Equal(7, credentials.RecoveryLockouts);
        Assert.Equal(now.AddHours(24), credentials.RecoveryBlockedUntil);
    }

    [Fact]
    public async Task BlockRecoveryAsync_DoesNotBlockTheLogin()
    {
        await WithCustomer();

        await store.BlockRecoveryAsync("c-1", TestClock.Start, TimeSpan.FromHours(1), TimeSpan.FromHours(24), ct);

        var credentials = (await store.GetCredentialsAsync("c-1", ct))!;
        Assert.Equal(CredentialState.Active, credentials.State);
        Assert.Equal(OldHash, credentials.PasswordHash);
        Assert.Equal(0, credentials.FailedLogins);
    }

    [Fact]
    public async Task Mutations_UnknownCustomer_Throw()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RecordLoginFailureAsync("nobody", 5, ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitPasswordAsync("nobody", NewHash, 0, 5, ct));
    }
}
