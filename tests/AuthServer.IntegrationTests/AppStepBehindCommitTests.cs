using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.V1;
using OperationState = Recovery.V1.OperationState;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// SignOperation with a right app code whose guarded commit ran before its step (<see cref="StepBehindCommit"/>: the
/// reorder a NOSCRIPT re-send of the step's script makes on Redis, and a step queued behind another signature's on the
/// in-memory node): the commit finds no mark and refuses, deciding only its attempt's change (dropped, its e-mail deleted);
/// the step then signs, and <c>OperationLifecycle.UseAppStepAndCommitAsync</c> falls back to the plain commit beside a hold
/// of its own. The password changes exactly once, one e-mail goes, and the operation is Signed, on both providers.
/// </summary>
public abstract class AppStepBehindCommitTests : IntegrationTest
{
    private static readonly DemoCustomer Maria = DemoCustomer.Maria;

    private protected AppStepBehindCommitTests(ServerOptions options)
        : base(options with { Services = Arm })
    {
    }

    private StepBehindCommit Reorder => Factory.Services.GetRequiredService<StepBehindCommit>();

    private ICustomerStore Customers => Factory.Services.GetRequiredService<ICustomerStore>();

    [Fact]
    public async Task SignOperation_AppStepRunsAfterItsGuardedCommit_FallbackCommitsOncePasswordChangedOneEmailAndSigned()
    {
        var (operation, code, temporary) = await OpenChangeSignedByAppAsync(Maria);
        var before = await CredentialsAsync(Maria);
        var mark = Outbox.Count;

        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, code)).State);

        // The branch was reached: the guarded commit found no mark (null), the step it overtook then signed, and the one
        // plain commit was the fallback's, under the operation's change id.
        var (attempt, committed) = Assert.Single(Reorder.GuardedCommits);
        Assert.Null(committed);
        Assert.Equal([(attempt, (VerifyStatus?)VerifyStatus.Verified)], Reorder.StepsRunBehind);
        Assert.Equal([CredentialChanges.OfOperation(operation.OperationId)], Reorder.PlainCommits);

        var email = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.PasswordChanged, Maria.Email), (email.Template, email.To));
        var after = await CredentialsAsync(Maria);
        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(Maria.UserCode, DemoCustomer.NewPassword)).ResultCase);
        await AssertLoginRefusedAsync(Maria, temporary);

        // The attempt's own change is dropped and the operation's applied: every reader, and a retry, finds it signed.
        Assert.False(await Customers.SettleChangeAsync(Maria.Id, attempt, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
        Assert.True(await Customers.SettleChangeAsync(Maria.Id, CredentialChanges.OfOperation(operation.OperationId), CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
        var retried = await RefusedAsync(() => Api.SignAsync(operation.OperationId, code));
        retried.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.Equal("SIGNED", retried.Metadata["state"]);

        // The mark the late step left can apply nothing: its attempt was settled dropped, and its commit refuses even at
        // the current version.
        Assert.Null(await Customers.CommitPasswordAfterStepAsync(
            Maria.Id, "$argon2id$v=19$m=19456,t=2,p=1$bGF0ZS1tYXJr$bGF0ZS1tYXJrLWhhc2g", after.Version, 5, CredentialChanges.OfOperation(operation.OperationId), attempt, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
        var last = await CredentialsAsync(Maria);
        Assert.Equal((after.Version, after.PasswordHash), (last.Version, last.PasswordHash));
        Assert.Single(Outbox.Since(mark));
    }

    [Fact]
    public async Task SignOperation_AppStepRunsAfterItsGuardedCommitWithAnIdempotencyKey_SignedAndARetryWithTheKeyGetsSignedNothingMoreSent()
    {
        // The key's Signed response rides the guarded commit's round trip under the condition that the operation's change
        // applied; here that commit refuses and the fallback applies the change, so the condition holds and a retry with
        // the key is answered Signed from the store, with no try taken, nothing committed or sent again.
        var (operation, code, _) = await OpenChangeSignedByAppAsync(Maria);
        var request = new SignOperationRequest { OperationId = operation.OperationId, Code = code };
        var before = await CredentialsAsync(Maria);
        var mark = Outbox.Count;

        Assert.Equal(OperationState.Signed, (await RecoveryApi.CallAsync(Api.Access.SignOperationAsync(request, WithKey()))).State);

        Assert.Null(Assert.Single(Reorder.GuardedCommits).Committed);
        Assert.Single(Reorder.PlainCommits);
        var signed = Audit.Of("access.sign").Count;
        Assert.Equal(OperationState.Signed, (await RecoveryApi.CallAsync(Api.Access.SignOperationAsync(request, WithKey()))).State);
        Assert.Equal(signed, Audit.Of("access.sign").Count);
        Assert.Single(Reorder.GuardedCommits);
        Assert.Single(Reorder.PlainCommits);
        var email = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.PasswordChanged, Maria.Email), (email.Template, email.To));
        Assert.Equal(before.Version + 1, (await CredentialsAsync(Maria)).Version);
    }

    [Fact]
    public async Task SignOperation_FallbackCommitFailsBeforeItRan_PasswordUnchangedNothingSentTheCodeSpentAndTheOperationCancellable()
    {
        // The guarded commit refused (its attempt dropped, its e-mail deleted) and the fallback's commit never ran: its
        // change is settled dropped and its e-mail deleted too. The step used the code, so a retry is a replay.
        var (operation, code, temporary) = await OpenChangeSignedByAppAsync(Maria);
        var before = await CredentialsAsync(Maria);
        Reorder.FailNextPlainCommit("before");
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, code))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        Assert.Null(Assert.Single(Reorder.GuardedCommits).Committed);
        Assert.Empty(Reorder.PlainCommits);
        await AssertPasswordUnchangedAsync(Maria, before, mark, temporary);
        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, code))).Is(StatusCode.FailedPrecondition, "CODE_ALREADY_USED");
        Assert.Equal(OperationState.Cancelled, (await Api.CancelAsync(operation.OperationId)).State);
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(before.Version, (await CredentialsAsync(Maria)).Version);
    }

    [Fact]
    public async Task SignOperation_FallbackCommitFailsAfterItRan_PasswordInForceOneEmailAndTheOperationSigned()
    {
        // The fallback's commit applied and its answer was lost: the settle finds it applied and its e-mail goes, the
        // guarded attempt's e-mail stays deleted (one e-mail), and every reader finds the operation signed.
        var (operation, code, _) = await OpenChangeSignedByAppAsync(Maria);
        var before = await CredentialsAsync(Maria);
        Reorder.FailNextPlainCommit("after");
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, code))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        Assert.Null(Assert.Single(Reorder.GuardedCommits).Committed);
        Assert.Single(Reorder.PlainCommits);
        await AssertPasswordChangedOnceAsync(Maria, before, mark);
        var retried = await RefusedAsync(() => Api.SignAsync(operation.OperationId, code));
        retried.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.Equal("SIGNED", retried.Metadata["state"]);
        Assert.Single(Outbox.Since(mark));
    }

    private static CallOptions WithKey() =>
        new(new Metadata { { "x-idempotency-key", "retry-key_0001" }, { "x-channel", "web" } }, DateTime.UtcNow + RecoveryApi.Deadline);

    private static void Arm(IServiceCollection services)
    {
        var reorder = new StepBehindCommit();
        services.AddSingleton(reorder);
        RecoveryServerFactory.Decorate<IOperationStore>(services, (inner, _) => reorder.Wrap(inner));
        RecoveryServerFactory.Decorate<ICustomerStore>(services, (inner, _) => reorder.Wrap(inner));
    }
}

public sealed class InMemoryAppStepBehindCommitTests : AppStepBehindCommitTests
{
    public InMemoryAppStepBehindCommitTests()
        : base(ServerOptions.Default)
    {
    }
}

public sealed class RedisAppStepBehindCommitTests(RedisServerFixture fixture)
    : AppStepBehindCommitTests(new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))), IClassFixture<RedisServerFixture>;
