using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisOperationStoreContractTests(RedisServerFixture fixture) : OperationStoreContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisStoreTest redis = new(fixture);

    [Fact]
    public async Task TryCreateAsync_RecordAndReservation_EachTaggedAndExpiringAfterTheOperation()
    {
        await CreateStore(Time).TryCreateAsync(Operation("op-1"), CancellationToken.None).Timeout();

        var keys = await redis.KeysAsync();
        Assert.Equal(
            [redis.Connection.KeyPrefix + "{op:op-1}:operation", redis.Connection.KeyPrefix + "{ref:" + Reference + "}:reference"],
            keys.Keys.Order(StringComparer.Ordinal));
        Assert.All(keys.Values, ttl =>
        {
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, Lifetime + TimeSpan.FromMinutes(59), Lifetime + TimeSpan.FromHours(1));
        });
    }

    [Fact]
    public async Task TryCreateAsync_SameOperationAgainWhilePending_IdempotentAndStillOneHolder()
    {
        var store = CreateStore(Time);
        var op = Operation("op-1");
        await store.TryCreateAsync(op, CancellationToken.None).Timeout();

        // A retry after a failure between the two steps completes the missing one and changes nothing else.
        Assert.True(await store.TryCreateAsync(op, CancellationToken.None).Timeout());
        Assert.Equal(op, await store.GetAsync("op-1", CancellationToken.None).Timeout());
        Assert.Equal(2, (await redis.KeysAsync()).Count);
        Assert.False(await store.TryCreateAsync(Operation("op-2"), CancellationToken.None).Timeout());
    }

    [Fact]
    public async Task CloseCodeAndCompleteAsync_TheOperationsChallenge_KeptInTheOperationsSlot()
    {
        await CreateStore(Time).TryCreateAsync(Operation("op-1"), CancellationToken.None).Timeout();
        await CreateChallengeStore(Time).CreateAsync(ChallengeOf("op-1"), CancellationToken.None).Timeout();

        Assert.Equal(new CodeClosure(true, true), await CreateStore(Time).CloseCodeAndCompleteAsync("op-1", ChallengeId("op-1"), OperationState.Cancelled, CancellationToken.None).Timeout());

        // One hash tag, so that the one script touching both runs on Redis Cluster (RedisClusterFlowTests).
        Assert.Contains(redis.Connection.KeyPrefix + "{op:op-1}code:challenge", (await redis.KeysAsync()).Keys);
    }

    public void Dispose() => redis.Dispose();

    protected override IOperationStore CreateStore(TimeProvider time) => new RedisOperationStore(redis.Connection, time);

    protected override IChallengeStore CreateChallengeStore(TimeProvider time) => new RedisChallengeStore(redis.Connection, time);
}
