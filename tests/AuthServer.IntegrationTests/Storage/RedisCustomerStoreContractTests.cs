using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisCustomerStoreContractTests(RedisServerFixture fixture) : CustomerStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    protected override ICustomerStore CreateStore(TimeProvider time) => new RedisCustomerStore(redis.Connection);

    [Fact]
    public async Task Keys_AfterEveryMutation_DurableWithoutTtl()
    {
        await WalkThroughEveryMutation();

        var keys = await redis.ScanAsync();

        Assert.Equal(5, keys.Count); // profile, credentials, history, user-code index, card index
        Assert.All(keys, k => Assert.Null(k.Ttl));
    }

    [Fact]
    public async Task Keys_OfOneCustomer_ShareOneHashSlot()
    {
        await WalkThroughEveryMutation();
        await using var direct = await fixture.Server.ConnectAsync().Within();

        var customerKeys = (await redis.ScanAsync()).Where(k => k.Key.StartsWith(redis.Prefix + "{c:c-1}:", StringComparison.Ordinal)).ToList();

        Assert.Equal(3, customerKeys.Count);
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
        var store = new RedisCustomerStore(strict);

        var unblock = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, Ct).Within());
        Assert.Contains("0 of 1 replicas", unblock.Message, StringComparison.Ordinal);
        var version = (await Store.GetCredentialsAsync("c-1", Ct).Within())!.Version;
        var commit = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.CommitPasswordAsync("c-1", NewHash, version, 5, Ct).Within());
        Assert.Contains("0 of 1 replicas", commit.Message, StringComparison.Ordinal);

        // A refused commit (stale version) writes nothing, so there is nothing to wait for.
        Assert.False(await store.CommitPasswordAsync("c-1", NewHash, version - 1, 5, Ct).Within());
    }

    private async Task WalkThroughEveryMutation()
    {
        await WithCustomer();
        await Store.RecordLoginFailureAsync("c-1", 5, Ct).Within();
        var login = await Store.BeginLoginAsync(LoginSubject.Customer("c-1"), "t-1", Start, Start.AddMinutes(2), 5, Ct).Within();
        await Store.SucceedLoginAsync("c-1", "t-1", login.FailedBefore, null, 0, Ct).Within();
        var version = await Store.RestoreWithTemporaryPasswordAsync("c-1", TemporaryMac, Start.AddHours(24), 5, Ct).Within();
        await Store.CommitPasswordAsync("c-1", NewHash, version, 5, Ct).Within();
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
