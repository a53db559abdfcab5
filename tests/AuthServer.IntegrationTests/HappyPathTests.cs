using System.Text.RegularExpressions;
using Grpc.Core;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Sessions;
using Recovery.V1;
using CredentialState = Recovery.AuthServer.Customers.CredentialState;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>Scenario 1: the seed screens end to end for the seed customer, whose credentials start blocked.</summary>
public sealed class HappyPathTests : IntegrationTest
{
    private static readonly DateTimeOffset T0 = RecoveryServerFactory.StartTime;

    [Fact]
    public async Task RecoverAndChangePassword_SeedCustomer_NewPasswordInForceOldOnesRefused()
    {
        var seed = DemoCustomer.Seed;

        // 1 Tu dato
        var mark = Outbox.Count;
        var started = await Api.StartAsync(seed);
        Assert.False(string.IsNullOrEmpty(started.RecoveryId));
        Assert.Equal(T0.AddMinutes(5), started.CodeExpireTime.ToDateTimeOffset());
        Assert.Equal(T0.AddSeconds(30), started.ResendAvailableTime.ToDateTimeOffset());
        Assert.Equal(3, started.ResendsRemaining);
        var codeSms = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationChannel.Sms, seed.Phone, NotificationTemplates.RecoveryCode), (codeSms.Channel, codeSms.To, codeSms.Template));
        var code = codeSms.Values[CodeKey];
        Assert.Matches("^[0-9]{6}$", code);
        Assert.Contains(code, codeSms.Text, StringComparison.Ordinal);

        // 2 Confirmación → 3 Selección confirmada
        mark = Outbox.Count;
        var confirmed = await Api.ConfirmAsync(started.RecoveryId, code);
        Assert.Equal("sb*****@ebcc.es", confirmed.MaskedEmail);
        Assert.Equal("+34 - 6*****331", confirmed.MaskedPhone);
        Assert.Equal(T0.AddHours(24), confirmed.TemporaryPasswordExpireTime.ToDateTimeOffset());
        var sent = Outbox.Since(mark);
        Assert.Equal(2, sent.Count);
        var email = Outbox.Single(mark, NotificationTemplates.RecoveryUserCode);
        Assert.Equal((NotificationChannel.Email, seed.Email, seed.UserCode), (email.Channel, email.To, email.Values["user_code"]));
        var passwordSms = Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword);
        Assert.Equal((NotificationChannel.Sms, seed.Phone), (passwordSms.Channel, passwordSms.To));
        var temporary = passwordSms.Values["temporary_password"];
        Assert.Equal(12, temporary.Length);

        // 4 Acceso: the temporary password opens only the change screen.
        var login = await Api.LoginAsync(email.Values["user_code"], temporary);
        Assert.Equal(LoginResponse.ResultOneofCase.PasswordChangeRequired, login.ResultCase);
        Assert.Equal("NOMBRE APELLIDO APELLIDO", login.PasswordChangeRequired.DisplayName);
        Assert.Equal(T0.AddMinutes(5), login.PasswordChangeRequired.ExpireTime.ToDateTimeOffset());
        var ticket = login.PasswordChangeRequired.ChangeTicket;

        // 5 Cambio de contraseña
        var meter = await Api.EvaluateAsync(DemoCustomer.NewPassword, ticket);
        Assert.True(meter.Acceptable);
        Assert.True(meter.Strength >= PasswordStrength.Strong, $"strength {meter.Strength}");
        Assert.DoesNotContain(meter.UnmetRules, r => r.Required);

        mark = Outbox.Count;
        var operation = (await Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword)).Operation;
        Assert.Matches("^[0-9]{8}$", operation.Reference);
        Assert.Equal("Cambio de contraseña de Usuario de Banca Electrónica", operation.Description);
        Assert.Equal("331", operation.PhoneLastDigits);
        Assert.Equal(OperationState.Pending, operation.State);
        Assert.Equal(T0.AddMinutes(5), operation.CodeExpireTime.ToDateTimeOffset());
        var signSms = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationChannel.Sms, seed.Phone, NotificationTemplates.OperationCode), (signSms.Channel, signSms.To, signSms.Template));
        Assert.Equal(operation.Reference, signSms.Values["reference"]);
        Assert.Contains(operation.Reference, signSms.Text, StringComparison.Ordinal);
        Assert.Contains(signSms.Values[CodeKey], signSms.Text, StringComparison.Ordinal);

        // Until signed, the new password is not in force.
        await AssertLoginRefusedAsync(seed, DemoCustomer.NewPassword);

        // 6 Gestión de claves
        var signed = await Api.SignAsync(operation.OperationId, signSms.Values[CodeKey]);
        Assert.Equal(OperationState.Signed, signed.State);

        var session = await Api.LoginAsync(seed.UserCode, DemoCustomer.NewPassword);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, session.ResultCase);
        Assert.False(string.IsNullOrEmpty(session.Session.Token));
        Assert.Equal(T0.AddMinutes(15), session.Session.ExpireTime.ToDateTimeOffset());

        await AssertLoginRefusedAsync(seed, temporary);
        await AssertLoginRefusedAsync(seed, seed.InitialPassword);
        var credentials = await CredentialsAsync(seed);
        Assert.Equal(CredentialState.Active, credentials.State);
        Assert.Null(credentials.TemporaryPasswordMac);
    }

    [Fact]
    public async Task ConfirmRecovery_CodeUsedTwice_CodeAlreadyUsedAndNothingSent()
    {
        var (started, code) = await StartAsync(DemoCustomer.Seed);
        await Api.ConfirmAsync(started.RecoveryId, code);
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, code));

        error.Is(StatusCode.FailedPrecondition, "CODE_ALREADY_USED");
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task Login_TemporaryPassword_TicketPermitsOnlyPasswordChange()
    {
        var (ticket, _) = await RecoverAndLogInAsync(DemoCustomer.Seed);

        // The ticket is not a session token: it must not open a session by being used as a password either.
        Assert.Matches(new Regex("^[A-Za-z0-9_-]{22,64}$"), ticket);
        await AssertLoginRefusedAsync(DemoCustomer.Seed, ticket);
    }
}
