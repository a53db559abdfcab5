using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisCustomerStoreContractTests(RedisServerFixture fixture) : CustomerStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    private static readonly SecretKeys Keys = new(new byte[32], Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), new byte[32]);

    protected override ICustomerStore CreateStore(TimeProvider time) => new RedisCustomerStore(redis.Connection, Keys, new CryptoRandomSource());

    [Fact]
    public async Task Values_StoredCustomer_NoPersonalDataInClear()
    {
        await WalkThroughEveryMutation();

        var keys = await redis.ScanAsync();

        Assert.NotEmpty(keys);
        string[] personal =
        [
            Customer.DocumentId, Customer.Phone, Customer.Phone.TrimStart('+'), Customer.Email, Customer.DisplayName, "BARRIOS",
            Customer.BirthDate!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ];
        foreach (var value in personal)
        {
            Assert.DoesNotContain(keys, k => k.Contains(value));
        }

        // Still found by card (a keyed hash) and user code, and read back whole.
        AssertSameCustomer(Customer, await Store.FindByCardAsync(PanHash, Ct).Within());
        AssertSameCustomer(Customer, await Store.FindByUserCodeAsync(Customer.UserCode, Ct).Within());
    }

    [Fact]
    public async Task GetAsync_ProfileCopiedUnderAnotherId_DoesNotOpen()
    {
        await WithCustomer();
        await Store.AddIfAbsentAsync(Customer with { Id = "c-2", UserCode = "79999999", Cards = [] }, new CredentialRecord { CustomerId = "c-2" }, Ct).Within();
        await using var direct = await fixture.Server.ConnectAsync().Within();
        var db = direct.GetDatabase();
        var sealedProfile = await db.StringGetAsync(redis.Prefix + "{c:c-1}:profile").Within();
        await db.StringSetAsync(redis.Prefix + "{c:c-2}:profile", sealedProfile).Within();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.GetAsync("c-2", Ct).Within());
    }

    [Fact]
    public async Task Keys_AfterEveryMutation_DurableWithoutTtl()
    {
        await WalkThroughEveryMutation();

        var keys = await redis.ScanAsync();
        var changes = keys.Where(k => k.Key.Contains("}:chg:", StringComparison.Ordinal)).ToList();
        var durable = keys.Except(changes).ToList();

        Assert.Equal(5, durable.Count); // profile, credentials, history, user-code index, card index
        Assert.All(durable, k => Assert.Null(k.Ttl));

        // The outcome of each credential change is kept a week (settling held messages needs it), then goes.
        Assert.Equal(2, changes.Count); // the restore and the commit
        Assert.All(changes, k => Assert.InRange(k.Ttl!.Value, TimeSpan.FromDays(6), TimeSpan.FromDays(7)));
    }

    [Fact]
    public async Task Keys_OfOneCustomer_ShareOneHashSlot()
    {
        await WalkThroughEveryMutation();
        await using var direct = await fixture.Server.ConnectAsync().Within();

        var customerKeys = (await redis.ScanAsync()).Where(k => k.Key.StartsWith(redis.Prefix + "{c:c-1}:", StringComparison.Ordinal)).ToList();

        Assert.Equal(5, customerKeys.Count); // profile, credentials, history and the outcomes of the two changes
        Assert.Single(customerKeys.Select(k => direct.HashSlot(k.Key)).Distinct());
    }

    [Fact]
    public async Task Values_AfterEveryMutation_NoPanOrPasswordInClear()
    {
        await WalkThroughEveryMutation();

        var keys = await redis.ScanAsync();

        Assert.NotEmpty(keys);
        Assert.DoesNotContain(keys, k => k.Contains(Pan) || k.Contains(Password) || k.Contains(TemporaryPassword));
        Assert.Contains(keys, k => k.Contains(PanHash)); // it is there, as a keyed hash
    }

    [Fact]
    public async Task CredentialWrites_ReplicaRequiredButNoneAcknowledges_FailClosed()
    {
        // WaitReplicas=1 against a server without replicas: the write lands on the primary, but the
        // store must not report the credentials changed while a failover could still lose them.
        using var strict = new RedisConnection(Microsoft.Extensions.Options.Options.Create(new StorageOptions
        {
            Provider = "Redis",
            Redis = new RedisStorageOptions
            {
                Configuration = fixture.Server.Configuration,
                KeyPrefix = redis.Prefix,
                OperationTimeout = TimeSpan.FromSeconds(2), // WAIT gets 1 s, the round trip the rest
                WaitReplicas = 1,
            },
        }));
        await WithCustomer();
        var store = new RedisCustomerStore(strict, Keys, new CryptoRandomSource());

        var unblock = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, Guid.NewGuid().ToString(), Ct).Within());
        Assert.Contains("0 of 1 replicas", unblock.Message, StringComparison.Ordinal);
        var version = (await Store.GetCredentialsAsync("c-1", Ct).Within())!.Version;
        var commit = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.CommitPasswordAsync("c-1", NewHash, version, 5, Guid.NewGuid().ToString(), Ct).Within());
        Assert.Contains("0 of 1 replicas", commit.Message, StringComparison.Ordinal);

        // A refused commit (stale version) writes nothing, so there is nothing to wait for.
        Assert.False(await store.CommitPasswordAsync("c-1", NewHash, version - 1, 5, Guid.NewGuid().ToString(), Ct).Within());
    }

    private async Task WalkThroughEveryMutation()
    {
        await WithCustomer();
        await Store.RecordLoginFailureAsync("c-1", 5, Ct).Within();
        var login = await Store.BeginLoginAsync(LoginSubject.Customer("c-1"), "t-1", Start, Start.AddMinutes(2), 5, Ct).Within();
        await Store.SucceedLoginAsync("c-1", "t-1", login.FailedBefore, null, 0, Ct).Within();
        var version = await Store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, Guid.NewGuid().ToString(), Ct).Within();
        await Store.CommitPasswordAsync("c-1", NewHash, version, 5, Guid.NewGuid().ToString(), Ct).Within();
        await Store.BlockRecoveryAsync("c-1", Start, TimeSpan.FromHours(1), TimeSpan.FromHours(24), Ct).Within();
    }

    [Fact]
    public async Task Keys_UnknownUserCodeCounter_ExpiresAndNamesOnlyTheKeyedHash()
    {
        var subject = LoginSubject.Unknown("5f1c0ffee", TimeSpan.FromDays(30));
        await Store.BeginLoginAsync(subject, "t-1", Start, Start.AddMinutes(2), 5, Ct).Within();
        await Store.FailLoginAsync(subject, "t-1", 5, Ct).Within();

        var keys = await redis.ScanAsync();

        var key = Assert.Single(keys);
        Assert.Equal(redis.Prefix + "{x:5f1c0ffee}:login", key.Key);
        Assert.NotNull(key.Ttl);
        Assert.InRange(key.Ttl.Value, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
    }

    public void Dispose() => redis.Dispose();
}
