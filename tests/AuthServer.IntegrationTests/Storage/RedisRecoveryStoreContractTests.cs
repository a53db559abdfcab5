using Recovery.AuthServer.Common;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisRecoveryStoreContractTests(RedisServerFixture fixture) : RecoveryStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    protected override IRecoveryStore CreateStore(TimeProvider time) => new RedisRecoveryStore(redis.Connection, time);

    protected override IChallengeStore CreateChallengeStore(TimeProvider time) => new RedisChallengeStore(redis.Connection, time);

    [Fact]
    public async Task Keys_RecoveryAndCardBlock_ExpireAfterTheirLogicalLifetimePlusMargin()
    {
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();
        await Store.SetStateAsync("r-1", RecoveryState.Completed, Ct).Within();
        await Store.BlockCardAsync(CardHash, Start, TimeSpan.FromHours(1), TimeSpan.FromHours(24), Ct).Within();

        var keys = await redis.ScanAsync();

        Assert.Equal(2, keys.Count);
        var recovery = Assert.Single(keys, k => k.Key.EndsWith(":record", StringComparison.Ordinal));
        AssertTtl(Lifetime + RedisRecoveryStore.TtlMargin, recovery.Ttl); // SetState kept it
        Assert.Single(recovery.Values); // one string, written by one SET NX PX
        var block = Assert.Single(keys, k => k.Key.EndsWith(":block", StringComparison.Ordinal));
        AssertTtl(TimeSpan.FromHours(1) + TimeSpan.FromHours(24) + RedisRecoveryStore.TtlMargin, block.Ttl);
    }

    [Fact]
    public async Task CreateWithCodeAsync_TwinnedId_RecordAndChallengeInOneSlotEachWithItsTtl()
    {
        var challengeId = GroupedId.Of("rec:" + TwinnedId, "d:doc");
        await Store.CreateWithCodeAsync(Recovery(TwinnedId), ChallengeRules.Issue(challengeId, [.. Enumerable.Repeat((byte)7, 32)], Start, Limits), Ct).Within();

        var keys = await redis.ScanAsync();

        Assert.Equal(2, keys.Count);
        var record = Assert.Single(keys, k => k.Key.Contains(":rec:" + TwinnedId, StringComparison.Ordinal));
        var challenge = Assert.Single(keys, k => k.Key.EndsWith(":challenge", StringComparison.Ordinal));
        Assert.Equal(SlotOf(challenge.Key), SlotOf(record.Key)); // one script on Cluster
        Assert.NotEqual("d:doc", TagOf(record.Key)); // the twin's tag, not the group's: the id does not name the document
        AssertTtl(Lifetime + RedisRecoveryStore.TtlMargin, record.Ttl);
        AssertTtl(Limits.Lifetime + RedisChallengeStore.Retention, challenge.Ttl);
    }

    [Fact]
    public async Task Keys_TtlFollowsTheStoreClockNotTheHostClock()
    {
        // The fake clock is years away from the host's; the TTL is still the remaining lifetime.
        Time.Advance(TimeSpan.FromDays(400));
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();

        AssertTtl(Lifetime + RedisRecoveryStore.TtlMargin, Assert.Single(await redis.ScanAsync()).Ttl);
    }

    [Fact]
    public async Task Values_NoPanInClear()
    {
        await Store.CreateAsync(Recovery("r-1"), Ct).Within();
        await Store.BlockCardAsync(CardHash, Start, TimeSpan.FromHours(1), TimeSpan.FromHours(24), Ct).Within();

        var keys = await redis.ScanAsync();

        Assert.DoesNotContain(keys, k => k.Contains(StoreContractSecrets.Pan));
        Assert.All(keys, k => Assert.True(k.Contains(CardHash)));
    }

    private static string TagOf(string key) => key[(key.IndexOf('{', StringComparison.Ordinal) + 1)..key.IndexOf('}', StringComparison.Ordinal)];

    private static int SlotOf(string key) => SlotTwins.SlotOf(TagOf(key));

    private static void AssertTtl(TimeSpan expected, TimeSpan? actual)
    {
        Assert.NotNull(actual);
        Assert.InRange(actual.Value, expected - TimeSpan.FromSeconds(30), expected);
    }

    public void Dispose() => redis.Dispose();
}
