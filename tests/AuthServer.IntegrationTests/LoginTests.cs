using Grpc.Core;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Sessions;
using Recovery.V1;
using CredentialState = Recovery.AuthServer.Customers.CredentialState;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>Scenario 10 and around it: wrong passwords block the credentials, and a recovery unblocks them.</summary>
public sealed class LoginTests : IntegrationTest
{
    private const string WrongPassword = "Girasol%Norte59";

    [Fact]
    public async Task Login_FiveWrongPasswords_BlocksCredentialsUntilRecovery()
    {
        var maria = DemoCustomer.Maria;
        for (var i = 1; i <= 4; i++)
        {
            (await RefusedAsync(() => Api.LoginAsync(maria.UserCode, WrongPassword))).Is(StatusCode.Unauthenticated, "INVALID_CREDENTIALS");
        }

        var fifth = await RefusedAsync(() => Api.LoginAsync(maria.UserCode, WrongPassword));
        var right = await RefusedAsync(() => Api.LoginAsync(maria.UserCode, maria.InitialPassword));
        var unknown = await RefusedAsync(() => Api.LoginAsync("99999999", maria.InitialPassword));

        fifth.Is(StatusCode.PermissionDenied, "CREDENTIALS_BLOCKED");
        right.Is(StatusCode.PermissionDenied, "CREDENTIALS_BLOCKED");
        unknown.Is(StatusCode.Unauthenticated, "INVALID_CREDENTIALS");
        Assert.Empty(Outbox.All);
        Assert.Equal(CredentialState.Blocked, (await CredentialsAsync(maria)).State);

        // A recovery with the customer's card unblocks, and the whole flow completes.
        var (started, code) = await StartAsync(maria);
        var confirmed = await Api.ConfirmAsync(started.RecoveryId, code);
        Assert.Equal("ma*****@example.es", confirmed.MaskedEmail);
        Assert.Equal("+34 - 6*****032", confirmed.MaskedPhone);
        var temporary = Outbox.Single(0, "recovery-temporary-password").Values["temporary_password"];
        Assert.Equal(maria.UserCode, Outbox.Single(0, "recovery-user-code").Values["user_code"]);
        var login = await Api.LoginAsync(maria.UserCode, temporary);
        Assert.Equal("MARÍA GARCÍA LÓPEZ", login.PasswordChangeRequired.DisplayName);
        var (operation, signingCode) = await OpenChangeAsync(login.PasswordChangeRequired.ChangeTicket, temporary, DemoCustomer.NewPassword);
        Assert.Equal("032", operation.PhoneLastDigits);
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, signingCode)).State);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(maria.UserCode, DemoCustomer.NewPassword)).ResultCase);
        await AssertLoginRefusedAsync(maria, maria.InitialPassword);
    }

    [Fact]
    public async Task Login_UnknownUserCode_SameAnswerAsWrongPassword()
    {
        var wrong = await Assert.ThrowsAsync<RpcException>(() => Api.LoginAsync(DemoCustomer.Maria.UserCode, WrongPassword));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Api.LoginAsync("99999999", WrongPassword));

        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        Assert.Equal(wrong.Status.Detail, unknown.Status.Detail);
        Assert.Equal(wrong.GetRpcStatus(), unknown.GetRpcStatus());
    }

    [Fact]
    public async Task Login_WrongPasswordOnBlockedCredentials_CredentialsBlockedLikeTheRightOne()
    {
        // Issue 9 item 3: answering the right password differently made a blocked account a password
        // oracle. Blocked credentials answer the same whatever the password; an unknown user code reaches
        // the same answer after as many tries (LoginAttackTests), so this tells a stranger nothing.
        var wrong = await RefusedAsync(() => Api.LoginAsync(DemoCustomer.Seed.UserCode, "Antigua#Clave43"));
        var right = await RefusedAsync(() => Api.LoginAsync(DemoCustomer.Seed.UserCode, DemoCustomer.Seed.InitialPassword));

        wrong.Is(StatusCode.PermissionDenied, "CREDENTIALS_BLOCKED");
        right.Is(StatusCode.PermissionDenied, "CREDENTIALS_BLOCKED");
        Assert.Equal(5, (await CredentialsAsync(DemoCustomer.Seed)).FailedLogins); // nothing more counted
    }

    [Fact]
    public async Task Login_SuccessBetweenFailures_ResetsCount()
    {
        var maria = DemoCustomer.Maria;
        for (var i = 0; i < 4; i++)
        {
            await RefusedAsync(() => Api.LoginAsync(maria.UserCode, WrongPassword));
        }

        await Api.LoginAsync(maria.UserCode, maria.InitialPassword);
        for (var i = 0; i < 4; i++)
        {
            (await RefusedAsync(() => Api.LoginAsync(maria.UserCode, WrongPassword))).Is(StatusCode.Unauthenticated, "INVALID_CREDENTIALS");
        }

        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(maria.UserCode, maria.InitialPassword)).ResultCase);
    }

    [Fact]
    public async Task Login_TemporaryPasswordAfter24Hours_TemporaryPasswordExpired()
    {
        var temporary = await RecoverAsync(DemoCustomer.Seed);
        Time.Advance(TimeSpan.FromHours(24));

        var error = await RefusedAsync(() => Api.LoginAsync(DemoCustomer.Seed.UserCode, temporary));

        error.Is(StatusCode.FailedPrecondition, "TEMPORARY_PASSWORD_EXPIRED");
    }

    [Fact]
    public async Task Login_RightTemporaryPasswordAfterBlockingWrongOnes_CredentialsBlocked()
    {
        // After a recovery the temporary password is the customer's password: once five wrong ones
        // block the credentials, the right one must say "blocked", as the right password does for
        // any blocked customer, not "wrong password", which would send the customer to retype it.
        var seed = DemoCustomer.Seed;
        var temporary = await RecoverAsync(seed);
        for (var i = 1; i <= 4; i++)
        {
            (await RefusedAsync(() => Api.LoginAsync(seed.UserCode, seed.InitialPassword))).Is(StatusCode.Unauthenticated, "INVALID_CREDENTIALS");
        }

        (await RefusedAsync(() => Api.LoginAsync(seed.UserCode, seed.InitialPassword))).Is(StatusCode.PermissionDenied, "CREDENTIALS_BLOCKED");

        var error = await RefusedAsync(() => Api.LoginAsync(seed.UserCode, temporary));

        error.Is(StatusCode.PermissionDenied, "CREDENTIALS_BLOCKED");
    }

    [Fact]
    public async Task Login_MissingFields_RequiredViolations()
    {
        var error = await RefusedAsync(() => Api.LoginAsync("", ""));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal(["user_code", "password"], error.Fields);
        Assert.Empty(Audit.Events);
    }
}
