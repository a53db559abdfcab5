using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.SharedTests.Customers;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="ICustomerStore"/> provider must do; run once per provider by a sealed subclass.</summary>
public abstract class CustomerStoreContract
{
    protected const string Pan = StoreContractSecrets.Pan;
    protected const string Password = StoreContractSecrets.Password;
    protected const string TemporaryPassword = StoreContractSecrets.TemporaryPassword;

    protected static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    protected static readonly string PanHash = StoreContractSecrets.PanHash;
    protected static readonly string OldHash = StoreContractSecrets.Phc(Password);
    protected static readonly string NewHash = StoreContractSecrets.Phc("Another-Pass-22");
    protected static readonly byte[] TemporaryMac = Convert.FromHexString(StoreContractSecrets.Mac(TemporaryPassword));

    protected static readonly CustomerRecord Customer = SeedCustomerRecord.With(new CardRecord(PanHash, "454881", "0335", "12/28")) with { BirthDate = new DateOnly(1980, 5, 17), Language = "es-ES" };

    private readonly FakeTimeProvider time = new(Start);
    private readonly object storeGate = new();
    private ICustomerStore? store;

    // Created on first use (a subclass's fields are not ready in this constructor), once even when a
    // test's first touch is from many threads at once.
    protected ICustomerStore Store
    {
        get
        {
            lock (storeGate)
            {
                return store ??= CreateStore(time);
            }
        }
    }

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract ICustomerStore CreateStore(TimeProvider time);

    protected async Task WithCustomer(string? passwordHash = null) =>
        Assert.True(await Store.AddIfAbsentAsync(Customer, new CredentialRecord { CustomerId = "ignored", PasswordHash = passwordHash ?? OldHash }, Ct).Within());

    protected Task<CredentialRecord> Credentials(string id = "c-1") => Store.GetCredentialsAsync(id, Ct).Within()!;

    [Fact]
    public async Task AddIfAbsentAsync_New_FindableByIdUserCodeAndCard()
    {
        await WithCustomer();

        AssertSameCustomer(Customer, await Store.GetAsync("c-1", Ct).Within());
        AssertSameCustomer(Customer, await Store.FindByUserCodeAsync("71234567", Ct).Within());
        AssertSameCustomer(Customer, await Store.FindByCardAsync(PanHash, Ct).Within());
        var credentials = await Credentials();
        Assert.Equal("c-1", credentials.CustomerId); // the store's id wins over the record's
        Assert.Equal(OldHash, credentials.PasswordHash);
        Assert.Equal(CredentialState.Active, credentials.State);
    }

    [Fact]
    public async Task AddIfAbsentAsync_FullCredentials_RoundTripEveryField()
    {
        var credentials = EveryFieldSet();

        Assert.True(await Store.AddIfAbsentAsync(Customer, credentials, Ct).Within());

        AssertSameCredentials(credentials, await Credentials());
    }

    [Fact]
    public async Task AddIfAbsentAsync_SameId_DoesNotOverwrite()
    {
        await WithCustomer();

        var added = await Store.AddIfAbsentAsync(
            Customer with { DisplayName = "OTHER", UserCode = "99999999", Cards = [new CardRecord(Mac("5403751234561015"), "540375", "1015", "12/28")] },
            new CredentialRecord { CustomerId = "c-1", PasswordHash = NewHash },
            Ct).Within();

        Assert.False(added);
        Assert.Equal("SERGIO BARRIOS GÓMEZ", (await Store.GetAsync("c-1", Ct).Within())!.DisplayName);
        Assert.Equal(OldHash, (await Credentials()).PasswordHash);
        Assert.Null(await Store.FindByUserCodeAsync("99999999", Ct).Within());
        Assert.Null(await Store.FindByCardAsync(Mac("5403751234561015"), Ct).Within());
        AssertSameCustomer(Customer, await Store.FindByUserCodeAsync("71234567", Ct).Within());
    }

    [Fact]
    public async Task AddIfAbsentAsync_SameUserCodeOrCardUnderAnotherId_RefusedAndLeavesNothing()
    {
        await WithCustomer();

        var sameUserCode = await Store.AddIfAbsentAsync(Customer with { Id = "c-2", Cards = [] }, new CredentialRecord { CustomerId = "c-2" }, Ct).Within();
        var sameCard = await Store.AddIfAbsentAsync(Customer with { Id = "c-3", UserCode = "80000000" }, new CredentialRecord { CustomerId = "c-3" }, Ct).Within();

        Assert.False(sameUserCode);
        Assert.False(sameCard);
        Assert.Null(await Store.GetAsync("c-2", Ct).Within());
        Assert.Null(await Store.GetAsync("c-3", Ct).Within());
        Assert.Null(await Store.GetCredentialsAsync("c-3", Ct).Within());
        Assert.Null(await Store.FindByUserCodeAsync("80000000", Ct).Within());
        Assert.Equal("c-1", (await Store.FindByCardAsync(PanHash, Ct).Within())!.Id);

        // The refused add released what it had claimed: another customer may take that user code.
        Assert.True(await Store.AddIfAbsentAsync(Customer with { Id = "c-4", UserCode = "80000000", Cards = [] }, new CredentialRecord { CustomerId = "c-4" }, Ct).Within());
        Assert.Equal("c-4", (await Store.FindByUserCodeAsync("80000000", Ct).Within())!.Id);
    }

    [Fact]
    public async Task AddIfAbsentAsync_SameCustomerInParallel_ExactlyOneAddsAndItIsFindable()
    {
        // Several nodes loading the demo directory at once.
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            Store.AddIfAbsentAsync(Customer, new CredentialRecord { CustomerId = "c-1", PasswordHash = OldHash }, Ct))))
            .Within();

        Assert.Single(results, r => r);
        Assert.Equal("c-1", (await Store.FindByUserCodeAsync("71234567", Ct).Within())!.Id);
        Assert.Equal("c-1", (await Store.FindByCardAsync(PanHash, Ct).Within())!.Id);
    }

    [Fact]
    public async Task FindByUserCodeAsync_IgnoresCase()
    {
        await Store.AddIfAbsentAsync(Customer with { UserCode = "ab12cd" }, new CredentialRecord { CustomerId = "c-1" }, Ct).Within();

        Assert.Equal("c-1", (await Store.FindByUserCodeAsync("AB12CD", Ct).Within())!.Id);
        Assert.Equal("c-1", (await Store.FindByUserCodeAsync("Ab12cD", Ct).Within())!.Id);
    }

    [Fact]
    public async Task Find_Unknown_ReturnsNull()
    {
        await WithCustomer();

        Assert.Null(await Store.GetAsync("nobody", Ct).Within());
        Assert.Null(await Store.FindByUserCodeAsync("nobody", Ct).Within());
        Assert.Null(await Store.FindByCardAsync("nobody", Ct).Within());
        Assert.Null(await Store.GetCredentialsAsync("nobody", Ct).Within());
    }

    [Fact]
    public async Task FindByCardWithCredentialsAsync_KnownCard_TheCustomerWithEveryCredentialField()
    {
        var credentials = EveryFieldSet();
        Assert.True(await Store.AddIfAbsentAsync(Customer, credentials, Ct).Within());

        var found = await Store.FindByCardWithCredentialsAsync(PanHash, Ct).Within();

        Assert.NotNull(found);
        AssertSameCustomer(Customer, found.Customer);
        AssertSameCredentials(credentials, found.Credentials!);
    }

    [Fact]
    public async Task FindByCardWithCredentialsAsync_UnknownCard_NullAndEachCardItsOwnCustomer()
    {
        await WithCustomer();
        Assert.True(await Store.AddIfAbsentAsync(Customer with { Id = "c-2", UserCode = "80000000", Cards = [new CardRecord(Mac("5403751234561015"), "540375", "1015", "12/28")] }, new CredentialRecord { CustomerId = "c-2" }, Ct).Within());

        Assert.Null(await Store.FindByCardWithCredentialsAsync(Mac("4000000000000002"), Ct).Within());
        Assert.Equal("c-2", (await Store.FindByCardWithCredentialsAsync(Mac("5403751234561015"), Ct).Within())!.Customer.Id);
        Assert.Equal("c-1", (await Store.FindByCardWithCredentialsAsync(PanHash, Ct).Within())!.Customer.Id);
    }

    [Fact]
    public async Task RecordLoginFailureAsync_AtMax_BlocksAndJustBlockedOnlyOnce()
    {
        await WithCustomer();

        var failures = new List<LoginFailure>();
        for (var i = 0; i < 7; i++)
        {
            failures.Add(await Store.RecordLoginFailureAsync("c-1", 5, Ct).Within());
        }

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], failures.Select(f => f.FailedLogins));
        Assert.Equal([false, false, false, false, true, false, false], failures.Select(f => f.JustBlocked));
        Assert.Equal(CredentialState.Blocked, (await Credentials()).State);
    }

    [Fact]
    public async Task RecordLoginFailureAsync_50InParallel_JustBlockedExactlyOnceAndAllCounted()
    {
        await WithCustomer();

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => Task.Run(() => Store.RecordLoginFailureAsync("c-1", 5, Ct)))).Within();

        Assert.Single(results, r => r.JustBlocked);
        Assert.Equal(Enumerable.Range(1, 50), results.Select(r => r.FailedLogins).Order());
        Assert.Equal(5, results.Single(r => r.JustBlocked).FailedLogins);
        Assert.Equal(50, (await Credentials()).FailedLogins);
    }

    [Fact]
    public async Task SucceedLoginAsync_ClearsEarlierFailuresAndStoresUpgradedHash()
    {
        await WithCustomer();
        await FailOnceAsync(Me);
        await FailOnceAsync(Me);
        var start = await Store.BeginLoginAsync(Me, "t-ok", Start, Lease, 5, Ct).Within();

        Assert.True(await Store.SucceedLoginAsync("c-1", "t-ok", start.FailedBefore, NewHash, 0, Ct).Within());

        var credentials = await Credentials();
        Assert.Equal(2, start.FailedBefore);
        Assert.Equal(0, credentials.FailedLogins);
        Assert.Equal(NewHash, credentials.PasswordHash);
        Assert.Empty(credentials.History); // an upgraded hash is the same password, not a change
    }

    [Fact]
    public async Task SucceedLoginAsync_NoUpgrade_KeepsHashAndVersion()
    {
        await WithCustomer();
        var before = await Credentials();
        var start = await Store.BeginLoginAsync(Me, "t-ok", Start, Lease, 5, Ct).Within();

        Assert.True(await Store.SucceedLoginAsync("c-1", "t-ok", start.FailedBefore, null, before.Version, Ct).Within());

        AssertSameCredentials(before, await Credentials());
    }

    [Fact]
    public async Task SucceedLoginAsync_CredentialsChangedMeanwhile_UpgradedHashNotStored()
    {
        await WithCustomer();
        var start = await Store.BeginLoginAsync(Me, "t-ok", Start, Lease, 5, Ct).Within();
        var version = await Store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, Guid.NewGuid().ToString(), Ct).Within();

        Assert.True(await Store.SucceedLoginAsync("c-1", "t-ok", start.FailedBefore, NewHash, version - 1, Ct).Within());

        Assert.Null((await Credentials()).PasswordHash);
    }

    [Fact]
    public async Task BeginLoginAsync_MaxTriesUnderWay_FurtherTriesExhaustedUntilOneEnds()
    {
        await WithCustomer();
        var starts = new List<LoginTryStart>();
        for (var i = 0; i < 7; i++)
        {
            starts.Add(await Store.BeginLoginAsync(Me, $"t-{i}", Start, Lease, 5, Ct).Within());
        }

        Assert.Equal([.. Enumerable.Repeat(LoginTryStatus.Taken, 5), LoginTryStatus.Exhausted, LoginTryStatus.Exhausted], starts.Select(s => s.Status));

        // A success gives its try back; a failure turns its try into a counted failure.
        Assert.True(await Store.SucceedLoginAsync("c-1", "t-0", 0, null, 0, Ct).Within());
        Assert.Equal(LoginTryStatus.Taken, (await Store.BeginLoginAsync(Me, "t-7", Start, Lease, 5, Ct).Within()).Status);
        Assert.False((await Store.FailLoginAsync(Me, "t-1", 5, Ct).Within()).Blocked);
        Assert.Equal(LoginTryStatus.Exhausted, (await Store.BeginLoginAsync(Me, "t-8", Start, Lease, 5, Ct).Within()).Status);
        Assert.Equal(1, (await Credentials()).FailedLogins);
    }

    [Fact]
    public async Task FailLoginAsync_FifthCountedFailure_BlocksOnceThenNothingIsTaken()
    {
        await WithCustomer();
        var failures = new List<LoginFailure>();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(LoginTryStatus.Taken, (await Store.BeginLoginAsync(Me, $"t-{i}", Start, Lease, 5, Ct).Within()).Status);
            failures.Add(await Store.FailLoginAsync(Me, $"t-{i}", 5, Ct).Within());
        }

        Assert.Equal([1, 2, 3, 4, 5], failures.Select(f => f.FailedLogins));
        Assert.Equal([false, false, false, false, true], failures.Select(f => f.JustBlocked));
        Assert.Equal([false, false, false, false, true], failures.Select(f => f.Blocked));
        Assert.Equal(LoginTryStatus.Blocked, (await Store.BeginLoginAsync(Me, "t-5", Start, Lease, 5, Ct).Within()).Status);
        var credentials = await Credentials();
        Assert.Equal((CredentialState.Blocked, 5), (credentials.State, credentials.FailedLogins));
    }

    [Fact]
    public async Task SucceedLoginAsync_BlockedWhileTheTryRan_RefusedAndStillBlocked()
    {
        await WithCustomer();
        var start = await Store.BeginLoginAsync(Me, "t-ok", Start, Lease, 5, Ct).Within();
        for (var i = 0; i < 5; i++)
        {
            await Store.RecordLoginFailureAsync("c-1", 5, Ct).Within(); // wrong current passwords at ChangePassword
        }

        Assert.False(await Store.SucceedLoginAsync("c-1", "t-ok", start.FailedBefore, NewHash, 0, Ct).Within());

        var credentials = await Credentials();
        Assert.Equal((CredentialState.Blocked, 5, OldHash), (credentials.State, credentials.FailedLogins, credentials.PasswordHash));
    }

    [Fact]
    public async Task BeginLoginAsync_LapsedLease_CountedAsAFailure()
    {
        await WithCustomer();
        await Store.BeginLoginAsync(Me, "t-dead", Start, Start.AddMinutes(2), 5, Ct).Within();

        var later = await Store.BeginLoginAsync(Me, "t-1", Start.AddMinutes(2), Start.AddMinutes(4), 5, Ct).Within();
        var late = await Store.FailLoginAsync(Me, "t-dead", 5, Ct).Within();

        Assert.Equal(new LoginTryStart(LoginTryStatus.Taken, 1), later);
        Assert.Equal(1, late.FailedLogins); // not counted twice
    }

    [Fact]
    public async Task ReleaseLoginAsync_TryGivenBackUncounted()
    {
        await WithCustomer();
        for (var i = 0; i < 5; i++)
        {
            await Store.BeginLoginAsync(Me, $"t-{i}", Start, Lease, 5, Ct).Within();
        }

        await Store.ReleaseLoginAsync(Me, "t-0", Ct).Within();

        Assert.Equal(LoginTryStatus.Taken, (await Store.BeginLoginAsync(Me, "t-5", Start, Lease, 5, Ct).Within()).Status);
        Assert.Equal(0, (await Credentials()).FailedLogins);
    }

    [Fact]
    public async Task BeginLoginAsync_60InParallel_ExactlyFiveTaken()
    {
        await WithCustomer();

        var starts = await Task.WhenAll(Enumerable.Range(0, 60)
            .Select(i => Task.Run(() => Store.BeginLoginAsync(Me, $"t-{i}", Start, Lease, 5, Ct)))).Within();

        Assert.Equal(5, starts.Count(s => s.Status == LoginTryStatus.Taken));
        Assert.Equal(55, starts.Count(s => s.Status == LoginTryStatus.Exhausted));
    }

    [Fact]
    public async Task LoginTries_UnknownUserCode_SameSequenceAsACustomerAndSeparatePerCode()
    {
        await WithCustomer();
        var unknown = LoginSubject.Unknown("aa11", TimeSpan.FromDays(30));
        var other = LoginSubject.Unknown("bb22", TimeSpan.FromDays(30));

        var real = await SequenceAsync(Me);
        var phantom = await SequenceAsync(unknown);

        Assert.Equal(real, phantom);
        Assert.Equal(["Taken:False", "Taken:False", "Taken:False", "Taken:False", "Taken:True", "Blocked", "Blocked"], real);
        Assert.Equal(LoginTryStatus.Taken, (await Store.BeginLoginAsync(other, "t-x", Start, Lease, 5, Ct).Within()).Status);
    }


    [Fact]
    public async Task FindIdByUserCodeAsync_KnownInAnyCaseOrUnknown_IdOrNull()
    {
        await WithCustomer();

        Assert.Equal("c-1", await Store.FindIdByUserCodeAsync(Customer.UserCode, Ct).Within());
        Assert.Equal("c-1", await Store.FindIdByUserCodeAsync(Customer.UserCode.ToLowerInvariant(), Ct).Within());
        Assert.Null(await Store.FindIdByUserCodeAsync("nobody", Ct).Within());
    }

    [Fact]
    public async Task BeginLoginByUserCodeAsync_KnownUserCode_CustomerAndCredentialsReadAndItsTryTaken()
    {
        await WithCustomer();
        await FailOnceAsync(Me);
        var unknown = LoginSubject.Unknown("aa11", TimeSpan.FromDays(30));

        var lookup = await Store.BeginLoginByUserCodeAsync("c-1", Customer.UserCode.ToLowerInvariant(), unknown, "t-1", Start, Lease, 5, Ct).Within();

        AssertSameCustomer(Customer, lookup.Customer);
        Assert.Equal((OldHash, "c-1"), (lookup.Credentials!.PasswordHash, lookup.Credentials.CustomerId));
        Assert.Equal(Me, lookup.Subject);
        Assert.Equal(new LoginTryStart(LoginTryStatus.Taken, 1), lookup.Start);
        Assert.Equal(LoginTryStatus.Taken, (await Store.BeginLoginAsync(unknown, "t-u", Start, Lease, 5, Ct).Within()).Status);

        // The try taken is the customer's own: failing it counts on the customer.
        Assert.Equal(2, (await Store.FailLoginAsync(Me, "t-1", 5, Ct).Within()).FailedLogins);
    }

    [Fact]
    public async Task BeginLoginByUserCodeAsync_NoCustomer_TryTakenOnTheUnknownCodeAlone()
    {
        await WithCustomer();
        var unknown = LoginSubject.Unknown("aa11", TimeSpan.FromDays(30));

        var lookups = new List<LoginLookup>();
        for (var i = 0; i < 6; i++)
        {
            var lookup = await Store.BeginLoginByUserCodeAsync(null, "79999999", unknown, $"t-{i}", Start, Lease, 5, Ct).Within();
            lookups.Add(lookup);
            if (lookup.Start.Status == LoginTryStatus.Taken)
            {
                await Store.FailLoginAsync(lookup.Subject, $"t-{i}", 5, Ct).Within();
            }
        }

        Assert.All(lookups, l => Assert.Equal((null, null, unknown), (l.Customer, l.Credentials, l.Subject)));
        Assert.Equal([.. Enumerable.Repeat(LoginTryStatus.Taken, 5), LoginTryStatus.Blocked], lookups.Select(l => l.Start.Status));
        var credentials = await Credentials();
        Assert.Equal((CredentialState.Active, 0), (credentials.State, credentials.FailedLogins));
    }

    [Fact]
    public async Task BeginLoginByUserCodeAsync_IdOfACustomerWithAnotherUserCode_UnknownAndNothingTakenFromThatCustomer()
    {
        // What a stale index entry leads to: an id whose customer does not have this user code.
        await WithCustomer();
        var unknown = LoginSubject.Unknown("bb22", TimeSpan.FromDays(30));
        for (var i = 0; i < 5; i++)
        {
            await Store.BeginLoginAsync(unknown, $"u-{i}", Start, Lease, 5, Ct).Within();
        }

        var lookup = await Store.BeginLoginByUserCodeAsync("c-1", "79999999", unknown, "t-1", Start, Lease, 5, Ct).Within();

        Assert.Equal((null, null, unknown), (lookup.Customer, lookup.Credentials, lookup.Subject));
        Assert.Equal(LoginTryStatus.Exhausted, lookup.Start.Status);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(LoginTryStatus.Taken, (await Store.BeginLoginAsync(Me, $"m-{i}", Start, Lease, 5, Ct).Within()).Status);
        }
    }

    [Fact]
    public async Task RestoreWithTemporaryPasswordAsync_Blocked_UnblocksMovesPasswordToHistoryAndBumpsVersion()
    {
        await WithCustomer();
        for (var i = 0; i < 5; i++)
        {
            await Store.RecordLoginFailureAsync("c-1", 5, Ct).Within();
        }

        var before = await Credentials();
        var expires = Start.AddHours(24);

        var version = await Store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, expires, 5, Guid.NewGuid().ToString(), Ct).Within();

        var after = await Credentials();
        Assert.Equal(before.Version + 1, version);
        Assert.Equal(version, after.Version);
        Assert.Equal(CredentialState.Active, after.State);
        Assert.Equal(0, after.FailedLogins);
        Assert.Null(after.PasswordHash);
        Assert.Equal([OldHash], after.History);
        Assert.Equal(TemporaryMac, after.TemporaryPasswordMac);
        Assert.Equal(expires, after.TemporaryPasswordExpiresAt);
    }

    [Fact]
    public async Task RestoreWithTemporaryPasswordAsync_Twice_DoesNotPushNullIntoHistory()
    {
        await WithCustomer();

        await Store.RestoreWithTemporaryPasswordAsync("c-1", [1], Start, 5, Guid.NewGuid().ToString(), Ct).Within();
        var version = await Store.RestoreWithTemporaryPasswordAsync("c-1", [2], Start, 5, Guid.NewGuid().ToString(), Ct).Within();

        var after = await Credentials();
        Assert.Equal(2, version);
        Assert.Equal([OldHash], after.History);
        Assert.Equal(new byte[] { 2 }, after.TemporaryPasswordMac);
    }

    [Fact]
    public async Task RestoreWithTemporaryPasswordAsync_SameChangeTwice_AppliedOnce()
    {
        await WithCustomer();

        var first = await Store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, "rec:r-1", Ct).Within();
        var again = await Store.RestoreWithTemporaryPasswordAsync("c-1", [9, 9], Start.AddHours(48), 5, "rec:r-1", Ct).Within();

        Assert.Equal(first, again);
        var credentials = await Credentials();
        Assert.Equal(first, credentials.Version);
        Assert.Equal(TemporaryMac, credentials.TemporaryPasswordMac);
        Assert.Equal([OldHash], credentials.History);
    }

    [Fact]
    public async Task SettleChangeAsync_AfterTheChange_Applied()
    {
        await WithCustomer();
        var version = await Store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, "rec:r-1", Ct).Within();
        Assert.True(await Store.CommitPasswordAsync("c-1", NewHash, version, 5, "op:o-1", Ct).Within());

        Assert.True(await Store.SettleChangeAsync("c-1", "rec:r-1", Ct).Within());
        Assert.True(await Store.SettleChangeAsync("c-1", "op:o-1", Ct).Within());
        Assert.True(await Store.SettleChangeAsync("c-1", "op:o-1", Ct).Within());
    }

    [Fact]
    public async Task SettleChangeAsync_BeforeTheChange_DroppedAndTheChangeNeverAppliesAfterwards()
    {
        await WithCustomer();
        var before = await Credentials();

        Assert.False(await Store.SettleChangeAsync("c-1", "rec:r-1", Ct).Within());
        Assert.False(await Store.SettleChangeAsync("c-1", "op:o-1", Ct).Within());

        await Assert.ThrowsAsync<StorageUnavailableException>(() => Store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, "rec:r-1", Ct).Within());
        Assert.False(await Store.CommitPasswordAsync("c-1", NewHash, before.Version, 5, "op:o-1", Ct).Within());
        var after = await Credentials();
        Assert.Equal((before.Version, before.PasswordHash, before.TemporaryPasswordMac), (after.Version, after.PasswordHash, after.TemporaryPasswordMac));
        Assert.False(await Store.SettleChangeAsync("c-1", "rec:r-1", Ct).Within());
    }

    [Fact]
    public async Task CommitPasswordAfterStepAsync_NoStepMarkForTheAttempt_NullNothingChangedAndTheOperationsChangeStillOpen()
    {
        // A replayed app code (or a commit that overtook its step) finds no mark: it must change nothing and decide only its
        // own attempt (dropped), never the operation's change, which a later right attempt must still be able to apply.
        await WithCustomer();
        var version = await Store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, "rec:r-1", Ct).Within();
        var before = await Credentials();

        var committed = await Store.CommitPasswordAfterStepAsync("c-1", NewHash, version, 5, "op:o-1", "op:o-1:try-1", Ct).Within();

        Assert.Null(committed);
        AssertSameCredentials(before, await Credentials());
        Assert.False(await Store.SettleChangeAsync("c-1", "op:o-1:try-1", Ct).Within());
        Assert.True(await Store.CommitPasswordAsync("c-1", NewHash, version, 5, "op:o-1", Ct).Within());
        Assert.True(await Store.SettleChangeAsync("c-1", "op:o-1", Ct).Within());
    }

    [Fact]
    public async Task CommitPasswordAsync_CurrentVersion_InstallsPasswordAndClearsTemporary()
    {
        await WithCustomer();
        var version = await Store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, Guid.NewGuid().ToString(), Ct).Within();

        var committed = await Store.CommitPasswordAsync("c-1", NewHash, version, 5, Guid.NewGuid().ToString(), Ct).Within();

        var after = await Credentials();
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
        var staleVersion = (await Credentials()).Version;
        await Store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, Guid.NewGuid().ToString(), Ct).Within();
        var before = await Credentials();

        var committed = await Store.CommitPasswordAsync("c-1", NewHash, staleVersion, 5, Guid.NewGuid().ToString(), Ct).Within();

        Assert.False(committed);
        AssertSameCredentials(before, await Credentials());
    }

    [Fact]
    public async Task CommitPasswordAsync_SameVersion50InParallel_ExactlyOneWins()
    {
        await WithCustomer();
        var version = (await Credentials()).Version;

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => Task.Run(() => Store.CommitPasswordAsync("c-1", NewHash + i, version, 5, Guid.NewGuid().ToString(), Ct)))).Within();

        Assert.Single(results, r => r);
        var after = await Credentials();
        Assert.Equal(version + 1, after.Version);
        Assert.Equal([OldHash], after.History);
        Assert.Equal(NewHash + Array.IndexOf(results, true), after.PasswordHash);
    }

    [Fact]
    public async Task CommitPasswordAsync_ManyChanges_HistoryKeepsNewestUpToDepth()
    {
        await WithCustomer("h0");
        for (var i = 1; i <= 7; i++)
        {
            var version = (await Credentials()).Version;
            Assert.True(await Store.CommitPasswordAsync("c-1", "h" + i, version, 5, Guid.NewGuid().ToString(), Ct).Within());
        }

        var after = await Credentials();
        Assert.Equal("h7", after.PasswordHash);
        Assert.Equal(["h6", "h5", "h4", "h3", "h2"], after.History);
    }

    [Fact]
    public async Task BlockRecoveryAsync_Repeated_EscalatesAndCaps()
    {
        await WithCustomer();
        var blocks = new List<TimeSpan>();
        for (var i = 0; i < 7; i++)
        {
            var until = await Store.BlockRecoveryAsync("c-1", Start, TimeSpan.FromHours(1), TimeSpan.FromHours(24), Ct).Within();
            blocks.Add(until - Start);
        }

        var credentials = await Credentials();
        Assert.Equal([1, 2, 4, 8, 16, 24, 24], blocks.Select(b => b.TotalHours));
        Assert.Equal(7, credentials.RecoveryLockouts);
        Assert.Equal(Start.AddHours(24), credentials.RecoveryBlockedUntil);
    }

    [Fact]
    public async Task BlockRecoveryAsync_AtLeastUntilLaterThanTheEscalation_LastsUntilThen()
    {
        await WithCustomer();

        var until = await Store.BlockRecoveryAsync("c-1", Start, TimeSpan.FromHours(1), TimeSpan.FromDays(7), Ct, Start.AddHours(24)).Within();

        Assert.Equal(Start.AddHours(24), until);
        Assert.Equal(Start.AddHours(24), (await Credentials()).RecoveryBlockedUntil);
        Assert.Equal(Start.AddHours(2), await Store.BlockRecoveryAsync("c-1", Start, TimeSpan.FromHours(1), TimeSpan.FromDays(7), Ct, Start).Within());
    }

    [Fact]
    public async Task BlockRecoveryAsync_InParallel_EachCountedOnce()
    {
        await WithCustomer();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            Store.BlockRecoveryAsync("c-1", Start, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30), Ct)))).Within();

        // Ten distinct escalation steps: no two calls read the same lockout count.
        Assert.Equal(Enumerable.Range(0, 10).Select(i => Start + RecoveryBlock.Duration(i, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30))), results.Order());
        Assert.Equal(10, (await Credentials()).RecoveryLockouts);
    }

    [Fact]
    public async Task BlockRecoveryAsync_DoesNotBlockTheLogin()
    {
        await WithCustomer();

        await Store.BlockRecoveryAsync("c-1", Start, TimeSpan.FromHours(1), TimeSpan.FromHours(24), Ct).Within();

        var credentials = await Credentials();
        Assert.Equal(CredentialState.Active, credentials.State);
        Assert.Equal(OldHash, credentials.PasswordHash);
        Assert.Equal(0, credentials.FailedLogins);
    }

    [Fact]
    public async Task Mutations_UnknownCustomer_ThrowAndCreateNothing()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.RecordLoginFailureAsync("nobody", 5, Ct).Within());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.BeginLoginAsync(LoginSubject.Customer("nobody"), "t", Start, Lease, 5, Ct).Within());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.FailLoginAsync(LoginSubject.Customer("nobody"), "t", 5, Ct).Within());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SucceedLoginAsync("nobody", "t", 0, null, 0, Ct).Within());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.RestoreWithTemporaryPasswordAsync("nobody", [1], Start, 5, Guid.NewGuid().ToString(), Ct).Within());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitPasswordAsync("nobody", NewHash, 0, 5, Guid.NewGuid().ToString(), Ct).Within());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.BlockRecoveryAsync("nobody", Start, TimeSpan.FromHours(1), TimeSpan.FromHours(2), Ct).Within());
        Assert.Null(await Store.GetCredentialsAsync("nobody", Ct).Within());
    }

    protected static string Mac(string secret) => StoreContractSecrets.Mac(secret);

    private static readonly LoginSubject Me = LoginSubject.Customer("c-1");

    private static readonly DateTimeOffset Lease = Start.AddMinutes(2);

    private async Task FailOnceAsync(LoginSubject subject)
    {
        var id = Guid.NewGuid().ToString("N");
        Assert.Equal(LoginTryStatus.Taken, (await Store.BeginLoginAsync(subject, id, Start, Lease, 5, Ct).Within()).Status);
        await Store.FailLoginAsync(subject, id, 5, Ct).Within();
    }

    // Seven wrong passwords, one after the other: what each try met and, when taken, whether it blocked.
    private async Task<List<string>> SequenceAsync(LoginSubject subject)
    {
        var seen = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var start = await Store.BeginLoginAsync(subject, $"s-{i}", Start, Lease, 5, Ct).Within();
            seen.Add(start.Status == LoginTryStatus.Taken
                ? $"Taken:{(await Store.FailLoginAsync(subject, $"s-{i}", 5, Ct).Within()).Blocked}"
                : start.Status.ToString());
        }

        return seen;
    }

    protected static void AssertSameCustomer(CustomerRecord expected, CustomerRecord? actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

    private static void AssertSameCredentials(CredentialRecord expected, CredentialRecord actual)
    {
        Assert.Equal(expected with { TemporaryPasswordMac = null, History = Array.Empty<string>() }, actual with { TemporaryPasswordMac = null, History = Array.Empty<string>() });
        Assert.Equal(expected.TemporaryPasswordMac, actual.TemporaryPasswordMac);
        Assert.Equal(expected.History, actual.History);
    }

    // Credentials with every field away from its default, so that a field a store drops or mixes up shows.
    private static CredentialRecord EveryFieldSet() => new()
    {
        CustomerId = "c-1",
        PasswordHash = OldHash,
        State = CredentialState.Blocked,
        FailedLogins = 3,
        TemporaryPasswordMac = TemporaryMac,
        TemporaryPasswordExpiresAt = Start.AddHours(24),
        History = ["h1", "h2"],
        Version = 7,
        RecoveryBlockedUntil = Start.AddHours(1),
        RecoveryLockouts = 2,
    };
}
