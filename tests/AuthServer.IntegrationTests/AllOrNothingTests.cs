using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Sessions;
using Recovery.V1;
using OperationState = Recovery.V1.OperationState;
using StoredOperationState = Recovery.AuthServer.Operations.OperationState;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Issue 9 item 8: ConfirmRecovery and SignOperation commit in one unit or not at all. A failure is
/// injected at each point of each step (the store or outbox stops answering before or after it ran the
/// call) and the customer is found either wholly before the step or wholly after it, with the messages
/// to match, on both providers. Item 9: the step ends the customer's earlier sessions and tickets.
/// </summary>
public abstract class AllOrNothingTests : IntegrationTest
{
    private static readonly DemoCustomer Maria = DemoCustomer.Maria;

    private protected AllOrNothingTests(ServerOptions options)
        : base(options with { Services = services => Arm(services, new Faults()) })
    {
    }

    private protected Faults Faults => Factory.Services.GetRequiredService<Faults>();

    [Theory]
    [InlineData("ICustomerStore.RestoreWithTemporaryPasswordAsync:before")]
    public async Task ConfirmRecovery_FailsBeforeTheChange_CustomerUnchangedAndNothingSent(string point)
    {
        var (started, code) = await StartAsync(Maria);
        var before = await CredentialsAsync(Maria);
        Faults.Arm(point);
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, code))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        Assert.Contains(point, Faults.Fired);
        Assert.Empty(Outbox.Since(mark));
        var after = await CredentialsAsync(Maria);
        Assert.Equal((before.Version, before.PasswordHash, before.TemporaryPasswordMac), (after.Version, after.PasswordHash, after.TemporaryPasswordMac));
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(Maria.UserCode, Maria.InitialPassword)).ResultCase);
    }

    [Fact]
    public async Task ConfirmRecovery_HoldFailsBesideTheRestore_CustomerRestoredAndBothMessagesQueuedAfterIt()
    {
        // The hold, the restore and the recovery's state go in one round trip: a hold that failed does not stop the
        // restore beside it, so both messages are queued after it.
        var (started, code) = await StartAsync(Maria);
        Faults.Arm("INotificationOutbox.HoldAsync:before");
        var mark = Outbox.Count;

        await Api.ConfirmAsync(started.RecoveryId, code);

        Assert.Equal(["INotificationOutbox.HoldAsync:before"], Faults.Fired);
        Assert.Equal(2, Outbox.Since(mark).Count);
        var email = Outbox.Single(mark, NotificationTemplates.RecoveryUserCode);
        var temporary = Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];
        Assert.Equal((Maria.Email, Maria.UserCode), (email.To, email.Values["user_code"]));
        await AssertLoginRefusedAsync(Maria, Maria.InitialPassword);
        await AssertChangeRequiredAsync(Maria, temporary);
    }

    [Theory]
    [InlineData("ICustomerStore.RestoreWithTemporaryPasswordAsync:after")]
    [InlineData("IRecoveryStore.SetStateAsync:before")]
    [InlineData("IRecoveryStore.SetStateAsync:after")]
    public async Task ConfirmRecovery_FailsAfterTheChange_CustomerRestoredAndBothMessagesSent(string point)
    {
        var (started, code) = await StartAsync(Maria);
        Faults.Arm(point, args => args.Length < 2 || args[1] is not RecoveryState state || state == RecoveryState.Completed);
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, code))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        Assert.Contains(point, Faults.Fired);
        var email = Outbox.Single(mark, NotificationTemplates.RecoveryUserCode);
        var temporary = Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];
        Assert.Equal(Maria.UserCode, email.Values["user_code"]);
        await AssertLoginRefusedAsync(Maria, Maria.InitialPassword);
        await AssertChangeRequiredAsync(Maria, temporary);
    }

    [Theory]
    [InlineData("ICustomerStore.CommitPasswordAsync:before")]
    public async Task SignOperation_FailsBeforeTheCommit_PasswordUnchangedOperationPendingAndNothingSent(string point)
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var before = await CredentialsAsync(Maria);
        Faults.Arm(point);
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, code))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        Assert.Contains(point, Faults.Fired);
        await AssertPasswordUnchangedAsync(Maria, before, mark, temporary);

        // The operation is still pending (its code is spent): the customer can cancel it and open another.
        Assert.Equal(OperationState.Cancelled, (await Api.CancelAsync(operation.OperationId)).State);
    }

    [Theory]
    [InlineData("IOperationStore.TrySmsCodeAsync:before")]
    [InlineData("IOperationStore.TrySmsCodeAsync:after")]
    public async Task SignOperation_TheCodeStepFails_PasswordUnchangedNothingSentNoTryKeptAndTheOperationCancellable(string point)
    {
        // The try's take, the code and the settle are one step: whether it ran or not, a failure around it changes no
        // password, sends nothing and keeps no unit (a right code's unit is given back in the step itself).
        var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var before = await CredentialsAsync(Maria);
        Faults.Arm(point);
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, code))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        Assert.Contains(point, Faults.Fired);
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(before.Version, (await CredentialsAsync(Maria)).Version);
        await AssertLoginRefusedAsync(Maria, DemoCustomer.NewPassword);
        var ledger = Factory.Services.GetRequiredService<IWrongCodeLedger>();
        var limit = Factory.Services.GetRequiredService<IOptions<OtpOptions>>().Value.MaxWrongSigningCodes;
        for (var i = 0; i < limit; i++)
        {
            Assert.True((await ledger.TakeAsync([Access.AccessFlow.SigningScope(Maria.Id)], "probe" + i, limit, TimeSpan.FromDays(1), Time.GetUtcNow(), CancellationToken.None)).Granted);
        }

        Assert.Equal(OperationState.Cancelled, (await Api.CancelAsync(operation.OperationId)).State);
    }

    [Theory]
    [InlineData("ICustomerStore.CommitPasswordAsync:after")]
    public async Task SignOperation_FailsAfterTheCommit_PasswordInForceEmailSentAndOperationSigned(string point)
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        Faults.Arm(point, args => args.Length < 2 || args[1] is not StoredOperationState state || state == StoredOperationState.Signed);
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, code))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        Assert.Contains(point, Faults.Fired);
        var email = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.PasswordChanged, Maria.Email), (email.Template, email.To));
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(Maria.UserCode, DemoCustomer.NewPassword)).ResultCase);

        // Whatever was not recorded, the operation reads as signed, not pending.
        var error = await RefusedAsync(() => Api.CancelAsync(operation.OperationId));
        error.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.Equal("SIGNED", error.Metadata["state"]);
    }

    [Fact]
    public async Task SignOperation_HoldFailsBesideTheCommit_SignedPasswordInForceAndTheEmailQueuedAfterIt()
    {
        // The hold and the commit go in one round trip: a hold that failed does not stop the commit beside it, so the
        // e-mail is queued after it.
        var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        Faults.Arm("INotificationOutbox.HoldAsync:before");
        var mark = Outbox.Count;

        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, code)).State);

        Assert.Equal(["INotificationOutbox.HoldAsync:before"], Faults.Fired);
        var email = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.PasswordChanged, Maria.Email), (email.Template, email.To));
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(Maria.UserCode, DemoCustomer.NewPassword)).ResultCase);
    }

    [Fact]
    public async Task SignOperation_HoldFailsAndTheCodeIsWrong_RefusedPasswordUnchangedNothingSent()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var before = await CredentialsAsync(Maria);
        Faults.Arm("INotificationOutbox.HoldAsync:before");
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, Other(code)))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");

        // A wrong code holds nothing: the hold is sent only beside the commit of a right one.
        Assert.Empty(Faults.Fired);
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(before.Version, (await CredentialsAsync(Maria)).Version);
    }

    [Fact]
    public async Task SignOperation_AgainAfterItWasSigned_NotPendingSignedNothingSentAndNoTryKept()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, code)).State);
        var mark = Outbox.Count;

        // The signature leaves the record pending for its first reader: the check that its change applied, sent beside the
        // wrong-code take, answers.
        var error = await RefusedAsync(() => Api.SignAsync(operation.OperationId, code));

        error.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.Equal("SIGNED", error.Metadata["state"]);
        Assert.Empty(Outbox.Since(mark));

        // The unit that try took was given back: the customer's signing budget holds no entry, not even a pending one.
        var ledger = Factory.Services.GetRequiredService<IWrongCodeLedger>();
        Assert.True((await ledger.TakeAsync([Access.AccessFlow.SigningScope(Maria.Id)], "probe", 1, TimeSpan.FromDays(1), Time.GetUtcNow(), CancellationToken.None)).Granted);
    }

    // A right app (TOTP) code signs in one pipeline: the app step's script (which leaves a mark for this attempt when it used
    // the time step now) and the commit guarded by that mark, its e-mail held under the attempt's change id
    // (OperationLifecycle.UseAppStepAndCommitAsync). A failure at the step or at the commit, before or after it ran, leaves
    // the password and its e-mail together or neither, and the operation reads Signed only if its change applied.

    [Fact]
    public async Task SignOperation_AppCodeStepFailsBeforeItRan_PasswordUnchangedNothingSentAndTheSameCodeSignsOnRetry()
    {
        // The step never ran, so its time step is unused and the guarded commit was never sent: the same code signs later.
        var (operation, appCode, temporary) = await OpenChangeSignedByAppAsync(Maria);
        var before = await CredentialsAsync(Maria);
        Faults.Arm("IOperationStore.UseAppStepAsync:before");
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, appCode))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        Assert.Equal(["IOperationStore.UseAppStepAsync:before"], Faults.Fired);
        await AssertPasswordUnchangedAsync(Maria, before, mark, temporary);

        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, appCode)).State);
        await AssertPasswordChangedOnceAsync(Maria, before, mark);
    }

    [Fact]
    public async Task SignOperation_AppCodeCommitFailsBeforeItRan_PasswordUnchangedNothingSentTheCodeSpentAndTheOperationCancellable()
    {
        // The step ran (its time step used, the SMS code ended, the attempt's mark left) but its commit never did: the
        // attempt's change is settled dropped and its e-mail deleted. The code is spent, as a signature's SMS code is once
        // tried: a retry is a replay (CODE_ALREADY_USED, counted as no failure, nothing committed); the customer cancels.
        var (operation, appCode, temporary) = await OpenChangeSignedByAppAsync(Maria);
        var before = await CredentialsAsync(Maria);
        Faults.Arm("ICustomerStore.CommitPasswordAfterStepAsync:before");
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, appCode))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        Assert.Equal(["ICustomerStore.CommitPasswordAfterStepAsync:before"], Faults.Fired);
        await AssertPasswordUnchangedAsync(Maria, before, mark, temporary);

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, appCode))).Is(StatusCode.FailedPrecondition, "CODE_ALREADY_USED");
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(before.Version, (await CredentialsAsync(Maria)).Version);
        Assert.Equal(OperationState.Cancelled, (await Api.CancelAsync(operation.OperationId)).State);
        Assert.Empty(Outbox.Since(mark));
        await AssertChangeRequiredAsync(Maria, temporary);
    }

    [Theory]
    [InlineData("IOperationStore.UseAppStepAsync:after")]
    [InlineData("ICustomerStore.CommitPasswordAfterStepAsync:after")]
    public async Task SignOperation_AppCodeFailsAfterTheStepOrTheCommitRan_PasswordInForceOneEmailAndTheOperationSigned(string point)
    {
        // Both ran: the step left its mark, the commit took it and applied, recording the attempt's change and the
        // operation's applied. The call fails, but the e-mail follows the change (released by the commit's announcement, or
        // by the settle after the lost answer) and every reader finds the operation signed: a retry is answered so, and
        // commits and sends nothing again.
        var (operation, appCode, _) = await OpenChangeSignedByAppAsync(Maria);
        var before = await CredentialsAsync(Maria);
        Faults.Arm(point);
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, appCode))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        Assert.Equal([point], Faults.Fired);
        await AssertPasswordChangedOnceAsync(Maria, before, mark);

        var retried = await RefusedAsync(() => Api.SignAsync(operation.OperationId, appCode));
        retried.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.Equal("SIGNED", retried.Metadata["state"]);
        var cancelled = await RefusedAsync(() => Api.CancelAsync(operation.OperationId));
        cancelled.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.Equal("SIGNED", cancelled.Metadata["state"]);
        Assert.Single(Outbox.Since(mark));
        Assert.Equal(before.Version + 1, (await CredentialsAsync(Maria)).Version);
    }

    [Fact]
    public async Task SignOperation_AppCodeHoldFailsBesideTheGuardedCommit_SignedPasswordInForceAndTheEmailQueuedAfterIt()
    {
        // The attempt's hold failed but the commit beside it applied: the e-mail is queued after it.
        var (operation, appCode, _) = await OpenChangeSignedByAppAsync(Maria);
        var before = await CredentialsAsync(Maria);
        Faults.Arm("INotificationOutbox.HoldAsync:before");
        var mark = Outbox.Count;

        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, appCode)).State);

        Assert.Equal(["INotificationOutbox.HoldAsync:before"], Faults.Fired);
        await AssertPasswordChangedOnceAsync(Maria, before, mark);
    }

    [Fact]
    public async Task ConfirmAuthenticator_FailsBeforeTheStep_NotConfirmedNothingSentAndTheSameCodesConfirmLater()
    {
        var (session, appCode, smsCode) = await EnrolledAsync();
        Faults.Arm("IAuthenticatorStore.ConfirmWithSmsCodeAsync:before");
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, appCode, smsCode))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        // The e-mail held beside the step was dropped with the change the step never made.
        Assert.Equal(["IAuthenticatorStore.ConfirmWithSmsCodeAsync:before"], Faults.Fired);
        Assert.Empty(Outbox.Since(mark));
        Assert.Null(await Authenticators.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));

        await Api.ConfirmAuthenticatorAsync(session, appCode, smsCode);
        Assert.Equal(Maria.Email, Outbox.Single(mark, NotificationTemplates.AuthenticatorAdded).To);
    }

    [Fact]
    public async Task ConfirmAuthenticator_FailsAfterTheStep_ConfirmedAndCustomerEmailed()
    {
        var (session, appCode, smsCode) = await EnrolledAsync();
        Faults.Arm("IAuthenticatorStore.ConfirmWithSmsCodeAsync:after");
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, appCode, smsCode))).Is(StatusCode.Unavailable, "STORAGE_UNAVAILABLE");

        // The step's own record of its change says it applied: the held e-mail goes.
        Assert.Equal(["IAuthenticatorStore.ConfirmWithSmsCodeAsync:after"], Faults.Fired);
        var email = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.AuthenticatorAdded, Maria.Email), (email.Template, email.To));
        Assert.NotNull(await Authenticators.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
    }

    [Fact]
    public async Task ConfirmAuthenticator_HoldFailsBesideTheStep_ConfirmedAndTheEmailQueuedAfterIt()
    {
        var (session, appCode, smsCode) = await EnrolledAsync();
        Faults.Arm("INotificationOutbox.HoldAsync:before");
        var mark = Outbox.Count;

        await Api.ConfirmAuthenticatorAsync(session, appCode, smsCode);

        Assert.Equal(["INotificationOutbox.HoldAsync:before"], Faults.Fired);
        var email = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.AuthenticatorAdded, Maria.Email), (email.Template, email.To));
        Assert.NotNull(await Authenticators.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
    }

    [Fact]
    public async Task ConfirmAuthenticator_HoldFailsAndTheSmsCodeIsWrong_RefusedNothingQueuedAfterIt()
    {
        var (session, appCode, smsCode) = await EnrolledAsync();
        Faults.Arm("INotificationOutbox.HoldAsync:before");
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, appCode, Other(smsCode)))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");

        Assert.Equal(["INotificationOutbox.HoldAsync:before"], Faults.Fired);
        Assert.Empty(Outbox.Since(mark));
        Assert.Null(await Authenticators.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
    }

    [Fact]
    public async Task ConfirmRecovery_SessionFromBefore_StopsWorking()
    {
        var session = (await Api.LoginAsync(Maria.UserCode, Maria.InitialPassword)).Session.Token;
        await Api.EnrollAuthenticatorAsync(session);
        Time.Advance(TimeSpan.FromMinutes(5));

        await RecoverAsync(Maria);

        (await RefusedAsync(() => Api.EnrollAuthenticatorAsync(session))).Is(StatusCode.Unauthenticated, "SESSION_INVALID");
    }

    [Fact]
    public async Task ConfirmRecovery_TicketOfAnEarlierRecovery_StopsWorking()
    {
        var (ticket, _) = await RecoverAndLogInAsync(Maria);
        Assert.NotNull(await Api.EvaluateAsync("Cualquier-Cosa-19", ticket));

        await RecoverAsync(Maria);

        (await RefusedAsync(() => Api.EvaluateAsync("Cualquier-Cosa-19", ticket))).Is(StatusCode.Unauthenticated, "CHANGE_TICKET_INVALID");
    }

    [Fact]
    public async Task SignOperation_OtherTicketFromBefore_StopsWorking()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
        var other = (await Api.LoginAsync(Maria.UserCode, temporary)).PasswordChangeRequired.ChangeTicket;
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);

        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, code)).State);

        (await RefusedAsync(() => Api.EvaluateAsync("Cualquier-Cosa-19", other))).Is(StatusCode.Unauthenticated, "CHANGE_TICKET_INVALID");
        (await RefusedAsync(() => Api.ChangePasswordAsync(other, temporary, DemoCustomer.OtherNewPassword))).Is(StatusCode.Unauthenticated, "CHANGE_TICKET_INVALID");
    }

    private IAuthenticatorStore Authenticators => Factory.Services.GetRequiredService<IAuthenticatorStore>();

    // Maria's session, enrolled: the current code of the new app and the SMS code sent for it.
    private async Task<(string Session, string AppCode, string SmsCode)> EnrolledAsync()
    {
        var session = (await Api.LoginAsync(Maria.UserCode, Maria.InitialPassword)).Session.Token;
        var mark = Outbox.Count;
        var enrolled = await Api.EnrollAuthenticatorAsync(session);
        var smsCode = Outbox.Single(mark, NotificationTemplates.AuthenticatorCode).Values[CodeKey];
        var appCode = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(enrolled.Secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime);
        return (session, appCode, smsCode);
    }

    private static void Arm(IServiceCollection services, Faults faults)
    {
        services.AddSingleton(faults);
        RecoveryServerFactory.Decorate<ICustomerStore>(services, (inner, _) => faults.Wrap(inner));
        RecoveryServerFactory.Decorate<IRecoveryStore>(services, (inner, _) => faults.Wrap(inner));
        RecoveryServerFactory.Decorate<IOperationStore>(services, (inner, _) => faults.Wrap(inner));
        RecoveryServerFactory.Decorate<IAuthenticatorStore>(services, (inner, _) => faults.Wrap(inner));
        RecoveryServerFactory.Decorate<INotificationOutbox>(services, (inner, _) => faults.Wrap(inner));
    }
}

public sealed class InMemoryAllOrNothingTests : AllOrNothingTests
{
    public InMemoryAllOrNothingTests()
        : base(ServerOptions.Default)
    {
    }
}

public sealed class RedisAllOrNothingTests(RedisServerFixture fixture)
    : AllOrNothingTests(new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))), IClassFixture<RedisServerFixture>;
