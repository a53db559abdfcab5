using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Storage.Redis;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// An operation's challenge is kept in the operation's slot (<c>{op:&lt;id&gt;}code</c>); an operation opened by an
/// earlier version has its challenge elsewhere, so after an upgrade its code is not found. That answers like an
/// expired code (never INTERNAL), counts nothing, and the operation can still be cancelled (docs/operations.md).
/// </summary>
public sealed class OperationChallengeGoneTests(RedisServerFixture fixture)
    : IntegrationTest(new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))), IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task SignOperation_ChallengeGone_CodeExpiredNothingChangedAndTheCancelStillWorks()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var redis = Factory.Services.GetRequiredService<RedisConnection>();
        Assert.True(await redis.ExecuteAsync(db => db.KeyDeleteAsync(RedisChallengeStore.ChallengeKey(redis, OperationLifecycle.ChallengeId(operation.OperationId)))).WaitAsync(RecoveryApi.Timeout));
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, code))).Is(StatusCode.FailedPrecondition, "CODE_EXPIRED");

        Assert.Empty(Outbox.Since(mark));
        await AssertLoginRefusedAsync(DemoCustomer.Seed, DemoCustomer.NewPassword);
        Assert.Equal(global::Recovery.V1.OperationState.Cancelled, (await Api.CancelAsync(operation.OperationId)).State);
    }
}
