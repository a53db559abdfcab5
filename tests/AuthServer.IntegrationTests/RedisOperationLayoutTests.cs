using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.Redis;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Where an operation's records live on Redis: an operation's id names the slot twin of its customer's tag, so its
/// record and its SMS challenge share the customer's slot with the signing budget, the authenticator and the
/// credentials (SignOperation's code step is one script there); an operation opened by the version before, under a tag
/// of its own, still signs (its steps stay separate).
/// </summary>
public sealed class RedisOperationLayoutTests(RedisServerFixture fixture)
    : IntegrationTest(new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))), IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ChangePassword_NewOperation_RecordAndChallengeInTheCustomersSlot()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, _) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var redis = Factory.Services.GetRequiredService<RedisConnection>();
        var record = await Factory.Services.GetRequiredService<IOperationStore>().GetAsync(operation.OperationId, CancellationToken.None).WaitAsync(RecoveryApi.Timeout);
        var multiplexer = await redis.GetMultiplexerAsync().WaitAsync(RecoveryApi.Timeout);
        var server = multiplexer.GetServers().Single();

        // The keys as written, found by the operation's id, against the slot StackExchange.Redis computes for the customer's.
        var keys = server.Keys(pattern: redis.KeyPrefix + "*" + operation.OperationId + "*").ToList();
        var customerSlot = multiplexer.HashSlot(RedisCustomerStore.CredentialsKey(redis, record!.CustomerId));

        Assert.Equal(2, keys.Count);
        Assert.All(keys, key => Assert.Equal(customerSlot, multiplexer.HashSlot(key)));
        Assert.DoesNotContain(record.CustomerId, operation.OperationId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOperation_OperationOfTheVersionBefore_SignedAsBefore()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (opened, _) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var (id, code) = await AsOfTheVersionBeforeAsync(opened.OperationId);
        var mark = Outbox.Count;

        Assert.Equal(global::Recovery.V1.OperationState.Signed, (await Api.SignAsync(id, code)).State);

        Assert.Single(Outbox.Since(mark));
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(DemoCustomer.Seed.UserCode, DemoCustomer.NewPassword)).ResultCase);
        var redis = Factory.Services.GetRequiredService<RedisConnection>();
        Assert.True(await redis.ExecuteAsync(db => db.KeyExistsAsync(redis.Key("op:" + id, "operation"))).WaitAsync(RecoveryApi.Timeout));
    }

    // The same change written as the version before wrote it: a random id of its own (its own tag), a reference of its own,
    // and its code's challenge beside it under that tag.
    private async Task<(string Id, string Code)> AsOfTheVersionBeforeAsync(string operationId)
    {
        var store = Factory.Services.GetRequiredService<IOperationStore>();
        var otp = Factory.Services.GetRequiredService<OtpEngine>();
        var digits = Factory.Services.GetRequiredService<IOptions<OtpOptions>>().Value.SigningCodeDigits;
        var current = await store.GetAsync(operationId, CancellationToken.None).WaitAsync(RecoveryApi.Timeout);
        var earlier = current! with { Id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_'), Reference = "99999999" };
        Assert.False(OperationLifecycle.InCustomerGroup(earlier));
        Assert.True(await store.TryCreateAsync(earlier, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
        var binding = OtpEngine.Binding(
            "operation", earlier.Id, earlier.CustomerId, earlier.Reference, earlier.Description,
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(earlier.PendingPasswordHash))));
        var issued = await otp.IssueAsync(OperationLifecycle.ChallengeId(earlier.Id), binding, digits, deliverable: true, CancellationToken.None).WaitAsync(RecoveryApi.Timeout);
        return (earlier.Id, issued.Code);
    }
}
