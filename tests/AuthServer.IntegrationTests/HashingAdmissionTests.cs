using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Passwords;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Issue 12 through a real channel: the hashing gate spends its capacity on customers who have already paid. The gate
/// has one slot; the test holds it and queues a hash of its own, so that the gate predicts, from a measured hash time
/// of about a second (taken on the fake clock), that fresh work would wait beyond the 0.5 s target while paid work
/// (nothing paid ahead of it) would not. Nothing here depends on how long anything really takes.
/// </summary>
public sealed class HashingAdmissionTests() : IntegrationTest(new ServerOptions(Settings: new Dictionary<string, string>
{
    ["Passwords:Argon2:MaxConcurrency"] = "1",
}))
{
    private const string UnknownUserCode = "99999999";

    private Argon2Gate Gate => Factory.Services.GetRequiredService<Argon2Gate>();

    [Fact]
    public async Task ChangePassword_GateFullOfFreshWork_PaidChangeAdmittedWhileFreshLoginsAreRefused()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var mariaBefore = await CredentialsAsync(DemoCustomer.Maria);
        await using var held = await HeldGate.HoldAsync(Gate, Time);

        // Fresh work is refused at once with a delay from the queue, and takes nothing: a known customer's wrong
        // password and an unknown user code get the same answer, and Maria's failures are not counted.
        var known = await RefusedAsync(() => Api.LoginAsync(DemoCustomer.Maria.UserCode, "Wrong#Password1"));
        var unknown = await RefusedAsync(() => Api.LoginAsync(UnknownUserCode, "Wrong#Password1"));
        known.Is(StatusCode.ResourceExhausted, "HASHING_SATURATED");
        Assert.Equal((known.StatusCode, known.Reason), (unknown.StatusCode, unknown.Reason));
        Assert.NotNull(known.RetryDelay);
        Assert.InRange(known.RetryDelay.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30));
        Assert.Equal(mariaBefore.FailedLogins, (await CredentialsAsync(DemoCustomer.Maria)).FailedLogins);

        // The change, with its live ticket, is paid for: admitted and queued ahead of the fresh hash.
        var mark = Outbox.Count;
        var change = Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword);
        await UntilAsync(() => Gate.Queued == 2);
        await held.ReleaseAsync();

        var operation = (await change.WaitAsync(RecoveryApi.Timeout)).Operation;
        Assert.Single(Outbox.Since(mark), m => m.Template == NotificationTemplates.OperationCode);
        Assert.NotEmpty(operation.OperationId);
    }

    [Fact]
    public async Task Login_FirstAfterSignedChangeWhileGateIsFull_AdmittedAheadOfFreshWork()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        await Api.SignAsync(operation.OperationId, code);
        Assert.True((await CredentialsAsync(DemoCustomer.Seed)).FirstLoginPending);
        await using var held = await HeldGate.HoldAsync(Gate, Time);

        (await RefusedAsync(() => Api.LoginAsync(UnknownUserCode, DemoCustomer.NewPassword))).Is(StatusCode.ResourceExhausted, "HASHING_SATURATED");
        var login = Api.LoginAsync(DemoCustomer.Seed.UserCode, DemoCustomer.NewPassword);
        await UntilAsync(() => Gate.Queued == 2);
        await held.ReleaseAsync();

        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await login.WaitAsync(RecoveryApi.Timeout)).ResultCase);
        Assert.False((await CredentialsAsync(DemoCustomer.Seed)).FirstLoginPending);
    }

    [Fact]
    public async Task StartRecovery_PaidWorkBeyondTarget_RefusedBeforeAnythingIsSpent()
    {
        await using var held = await HeldGate.HoldAsync(Gate, Time, HashPriority.Paid);
        var mark = Outbox.Count;

        var refused = await RefusedAsync(() => Api.StartAsync(DemoCustomer.Maria));

        refused.Is(StatusCode.ResourceExhausted, "HASHING_SATURATED");
        Assert.NotNull(refused.RetryDelay);
        Assert.Empty(Outbox.Since(mark));
        await held.ReleaseAsync();
        await Api.StartAsync(DemoCustomer.Maria);
        Assert.Single(Outbox.Since(mark));
    }

    [Fact]
    public async Task StartRecovery_GateFullOfFreshWorkOnly_StillAdmitted()
    {
        // A flood of logins must not keep customers from starting a recovery: only paid work counts against a new flow
        // (here predicted to wait 0.5 s, within the target).
        await using var held = await HeldGate.HoldAsync(Gate, Time, HashPriority.Fresh);
        var mark = Outbox.Count;

        await Api.StartAsync(DemoCustomer.Maria);

        Assert.Single(Outbox.Since(mark));
        await held.ReleaseAsync();
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var giveUp = DateTime.UtcNow + RecoveryApi.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, "The gate never reached the expected state.");
            await Task.Delay(5);
        }
    }
}
