using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Otp;
using IAuthenticatorStore = Recovery.AuthServer.Otp.IAuthenticatorStore;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>Authenticator apps (TOTP): enrolment within a session, and signing with an app code.</summary>
public sealed class AuthenticatorTests : IntegrationTest
{
    private static readonly DemoCustomer Maria = DemoCustomer.Maria;

    private IAuthenticatorStore Store => Factory.Services.GetRequiredService<IAuthenticatorStore>();

    [Fact]
    public async Task EnrollAuthenticator_WithSession_ReturnsKeyUriSendsSmsCodeAndPendingOnly()
    {
        var session = await SessionAsync();

        var (enrolled, smsCode) = await EnrollAsync(session);

        Assert.StartsWith($"otpauth://totp/Banca%20a%20Distancia:{Maria.UserCode}?secret={enrolled.Secret}&", enrolled.OtpauthUri, StringComparison.Ordinal);
        Assert.Equal(Time.GetUtcNow().AddMinutes(10), enrolled.ExpireTime.ToDateTimeOffset());
        Assert.Matches("^[0-9]{6}$", smsCode);
        Assert.Equal("+34 - 6*****032", enrolled.MaskedPhone);
        var sms = Assert.Single(Outbox.All, n => n.Template == NotificationTemplates.AuthenticatorCode);
        Assert.Equal((NotificationChannel.Sms, Maria.Phone), (sms.Channel, sms.To));
        Assert.Contains("dar de alta una app de autenticacion", sms.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(enrolled.Secret, sms.Text, StringComparison.Ordinal);
        Assert.NotNull(await Store.GetPendingAsync(Maria.Id, Time.GetUtcNow(), CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
        Assert.Null(await Store.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task EnrollAuthenticator_WithoutAValidSession_RefusedAndNothingStored(string token)
    {
        var error = await RefusedAsync(() => Api.EnrollAuthenticatorAsync(token));

        if (token.Length == 43)
        {
            error.Is(StatusCode.Unauthenticated, "SESSION_INVALID");
        }
        else
        {
            error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
            Assert.Equal(["session_token"], error.Fields);
        }

        Assert.Null(await Store.GetPendingAsync(Maria.Id, Time.GetUtcNow(), CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
        Assert.Empty(Outbox.All);
    }

    [Fact]
    public async Task EnrollAuthenticator_ChangeTicketInsteadOfSession_SessionInvalid()
    {
        var (ticket, _) = await RecoverAndLogInAsync(DemoCustomer.Seed);

        (await RefusedAsync(() => Api.EnrollAuthenticatorAsync(ticket))).Is(StatusCode.Unauthenticated, "SESSION_INVALID");
    }

    [Fact]
    public async Task EnrollAuthenticator_AgainWithinTheResendCooldown_ResendTooSoonAndNoSecondSms()
    {
        var session = await SessionAsync();
        await EnrollAsync(session);
        Time.Advance(TimeSpan.FromSeconds(20));
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.EnrollAuthenticatorAsync(session));

        error.Is(StatusCode.ResourceExhausted, "RESEND_TOO_SOON");
        Assert.Equal(TimeSpan.FromSeconds(10), error.RetryDelay);
        Assert.Empty(Outbox.Since(mark));

        Time.Advance(TimeSpan.FromSeconds(10));
        await EnrollAsync(session);
    }

    [Fact]
    public async Task EnrollAuthenticator_SessionEndedByARecovery_SessionInvalidPendingEnrolmentKeptAndNoSms()
    {
        var session = await SessionAsync();
        await EnrollAsync(session);
        var pending = (await Store.GetPendingAsync(Maria.Id, Time.GetUtcNow(), CancellationToken.None).WaitAsync(RecoveryApi.Timeout))!;
        await RecoverAndLogInAsync(Maria);
        Time.Advance(TimeSpan.FromSeconds(30));
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.EnrollAuthenticatorAsync(session))).Is(StatusCode.Unauthenticated, "SESSION_INVALID");

        Assert.Equal(pending.Id, (await Store.GetPendingAsync(Maria.Id, Time.GetUtcNow(), CancellationToken.None).WaitAsync(RecoveryApi.Timeout))!.Id);
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task ConfirmAuthenticator_WrongAppCode_CodeIncorrectSmsCodeNotSpentAndNothingChangedOrSent()
    {
        var session = await SessionAsync();
        var (enrolled, smsCode) = await EnrollAsync(session);
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, Other(CodeNow(enrolled)), smsCode));

        error.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        Assert.Equal(["code"], error.Fields);
        Assert.Equal("4", error.Metadata["attempts_remaining"]);
        Assert.Empty(Outbox.Since(mark));
        Assert.Null(await Store.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));

        // The pending enrolment and its SMS code are intact: the right codes still confirm it.
        await Api.ConfirmAuthenticatorAsync(session, CodeNow(enrolled), smsCode);
    }

    [Fact]
    public async Task ConfirmAuthenticator_RightAppCodeWrongSmsCode_RefusedNotEnrolledAndTheAppCodeStillWorks()
    {
        var session = await SessionAsync();
        var (enrolled, smsCode) = await EnrollAsync(session);
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, CodeNow(enrolled), Other(smsCode)));

        error.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        Assert.Equal(["sms_code"], error.Fields);
        Assert.Equal("2", error.Metadata["attempts_remaining"]);
        Assert.Empty(Outbox.Since(mark));
        Assert.Null(await Store.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));

        // A password alone (the session) with the attacker's app could not get further; the phone's code can.
        await Api.ConfirmAuthenticatorAsync(session, CodeNow(enrolled), smsCode);
        Assert.NotNull(await Store.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
    }

    [Fact]
    public async Task ConfirmAuthenticator_SmsCodeOfAnEarlierEnrolment_RefusedForThisOne()
    {
        var session = await SessionAsync();
        var (_, firstSms) = await EnrollAsync(session);
        Time.Advance(TimeSpan.FromSeconds(30));
        var (second, secondSms) = await EnrollAsync(session);
        Assert.NotEqual(firstSms, secondSms); // random codes: equal ones would make this test meaningless, not flaky

        var error = await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, CodeNow(second), firstSms));

        error.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        Assert.Equal(["sms_code"], error.Fields);
        Assert.Null(await Store.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
    }

    [Fact]
    public async Task ConfirmAuthenticator_SmsCodeExpired_CodeExpiredAndNotEnrolled()
    {
        var session = await SessionAsync();
        var (enrolled, smsCode) = await EnrollAsync(session);
        Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        (await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, CodeNow(enrolled), smsCode))).Is(StatusCode.FailedPrecondition, "CODE_EXPIRED");
        Assert.Null(await Store.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("12a456")]
    public async Task ConfirmAuthenticator_MissingOrMalformedSmsCode_FieldViolationAndNothingChanged(string smsCode)
    {
        var session = await SessionAsync();
        var (enrolled, _) = await EnrollAsync(session);

        var error = await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, CodeNow(enrolled), smsCode));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal(["sms_code"], error.Fields);
        Assert.Null(await Store.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
    }

    [Fact]
    public async Task ConfirmAuthenticator_CurrentCodes_ConfirmedAndCustomerEmailed()
    {
        var session = await SessionAsync();
        var (enrolled, smsCode) = await EnrollAsync(session);
        var mark = Outbox.Count;

        var confirmed = await Api.ConfirmAuthenticatorAsync(session, CodeNow(enrolled), smsCode);

        Assert.Equal(Time.GetUtcNow(), confirmed.ConfirmTime.ToDateTimeOffset());
        var mail = Outbox.Single(mark, NotificationTemplates.AuthenticatorAdded);
        Assert.Equal((NotificationChannel.Email, Maria.Email), (mail.Channel, mail.To));
        Assert.DoesNotContain(enrolled.Secret, mail.Text, StringComparison.Ordinal);
        Assert.NotNull(await Store.GetConfirmedAsync(Maria.Id, CancellationToken.None).WaitAsync(RecoveryApi.Timeout));
    }

    [Fact]
    public async Task ConfirmAuthenticator_NothingPending_AuthenticatorNotPending()
    {
        var session = await SessionAsync();

        (await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, "123456", "654321"))).Is(StatusCode.FailedPrecondition, "AUTHENTICATOR_NOT_PENDING");
        Assert.Empty(Outbox.All);
    }

    [Fact]
    public async Task SignOperation_CurrentTotpCode_SignedAndNewPasswordInForce()
    {
        var enrolled = await EnrolledAsync();
        var (operation, _) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));

        var signed = await Api.SignAsync(operation.OperationId, CodeNow(enrolled));

        Assert.Equal(OperationState.Signed, signed.State);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(Maria.UserCode, DemoCustomer.NewPassword)).ResultCase);
        Assert.Single(Audit.Of("access.sign"), e => e.Outcome == "password_changed_totp");
    }

    [Fact]
    public async Task SignOperation_PreviousStepsTotpCode_SignedWithinTheWindow()
    {
        var enrolled = await EnrolledAsync();
        var (operation, _) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var code = CodeNow(enrolled);
        Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, code)).State);
    }

    [Fact]
    public async Task SignOperation_TotpCodeAlreadyUsed_CodeAlreadyUsedAndNothingChanged()
    {
        var enrolled = await EnrolledAsync();
        var (operation, _) = await OpenOperationAsync();
        var confirmCode = CodeNow(enrolled); // the step used to confirm: still inside the window
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.SignAsync(operation.OperationId, confirmCode));

        error.Is(StatusCode.FailedPrecondition, "CODE_ALREADY_USED");
        Assert.Empty(Outbox.Since(mark));
        await AssertLoginRefusedAsync(Maria, DemoCustomer.NewPassword);
    }

    [Fact]
    public async Task SignOperation_TwoStepsOldTotpCode_CodeIncorrect()
    {
        var enrolled = await EnrolledAsync();
        var (operation, sms) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var old = CodeNow(enrolled);
        Time.Advance(TimeSpan.FromSeconds(60));
        Assert.NotEqual(sms, old); // deterministic clock, random code: a collision would make this test meaningless, not flaky

        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, old))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        await AssertLoginRefusedAsync(Maria, DemoCustomer.NewPassword);
    }

    [Fact]
    public async Task SignOperation_TwentyParallelSameTotpCode_ExactlyOneSigned()
    {
        var enrolled = await EnrolledAsync();
        var (operation, _) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var code = CodeNow(enrolled);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                return (await Api.SignAsync(operation.OperationId, code)).State.ToString();
            }
            catch (RpcException ex)
            {
                return ex.StatusCode.ToString();
            }
        }));

        Assert.Single(outcomes, o => o == nameof(OperationState.Signed));
        Assert.All(outcomes.Where(o => o != nameof(OperationState.Signed)), o => Assert.Equal(nameof(StatusCode.FailedPrecondition), o));
    }

    [Fact]
    public async Task SignOperation_WrongCodesAfterTheSmsCodeBurned_StillCountAndBlockTheOperation()
    {
        var enrolled = await EnrolledAsync();
        var (operation, sms) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var wrong = Other(CodeNow(enrolled));
        Assert.NotEqual(sms, wrong);
        for (var i = 0; i < 4; i++)
        {
            (await RefusedAsync(() => Api.SignAsync(operation.OperationId, wrong))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        }

        // The SMS code burned at the third try; without counting on, the app's codes could be guessed for the operation's whole life.
        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, wrong))).Is(StatusCode.FailedPrecondition, "OPERATION_BLOCKED");
        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, CodeNow(enrolled)))).Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        await AssertLoginRefusedAsync(Maria, DemoCustomer.NewPassword);
    }

    [Fact]
    public async Task SignOperation_SmsCodeWithAuthenticatorEnrolled_StillSigns()
    {
        await EnrolledAsync();
        var (operation, sms) = await OpenOperationAsync();

        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, sms)).State);
    }

    private async Task<string> SessionAsync()
    {
        var login = await Api.LoginAsync(Maria.UserCode, Maria.InitialPassword);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, login.ResultCase);
        return login.Session.Token;
    }

    /// <summary>EnrollAuthenticator, and the SMS code it sent to the customer's phone.</summary>
    private async Task<(EnrollAuthenticatorResponse Enrolled, string SmsCode)> EnrollAsync(string session)
    {
        var mark = Outbox.Count;
        var enrolled = await Api.EnrollAuthenticatorAsync(session);
        return (enrolled, Outbox.Single(mark, NotificationTemplates.AuthenticatorCode).Values[CodeKey]);
    }

    private async Task<EnrollAuthenticatorResponse> EnrolledAsync()
    {
        var session = await SessionAsync();
        var (enrolled, smsCode) = await EnrollAsync(session);
        await Api.ConfirmAuthenticatorAsync(session, CodeNow(enrolled), smsCode);
        return enrolled;
    }

    private async Task<(Operation Operation, string SmsCode)> OpenOperationAsync()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
        return await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
    }

    // Otp.NET's own TOTP plays the customer's app, independently of the server's window code.
    private string CodeNow(EnrollAuthenticatorResponse enrolled) =>
        new Totp(Base32Encoding.ToBytes(enrolled.Secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime);
}
