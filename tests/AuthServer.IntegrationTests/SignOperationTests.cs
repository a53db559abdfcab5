using Grpc.Core;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>Scenario 8: a signing code signs its own operation once, and nothing else.</summary>
public sealed class SignOperationTests : IntegrationTest
{
    [Fact]
    public async Task SignOperation_CodeOfAnotherOperation_CodeIncorrectAndNothingChanged()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (a, codeA) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var (b, codeB) = await OpenChangeAsync(ticket, temporary, DemoCustomer.OtherNewPassword);
        Assert.NotEqual(a.OperationId, b.OperationId);
        Assert.NotEqual(a.Reference, b.Reference);
        var mark = Outbox.Count;

        // Codes are random: should A's code happen to equal B's, it is B's and signs B, so try it only when it differs.
        if (codeA != codeB)
        {
            var error = await RefusedAsync(() => Api.SignAsync(b.OperationId, codeA));
            error.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
            Assert.Equal("2", error.Metadata["attempts_remaining"]);
        }

        Assert.Empty(Outbox.Since(mark));
        await AssertLoginRefusedAsync(DemoCustomer.Seed, DemoCustomer.OtherNewPassword);
        await AssertChangeRequiredAsync(DemoCustomer.Seed, temporary);

        // B's own code still signs B.
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(b.OperationId, codeB)).State);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(DemoCustomer.Seed.UserCode, DemoCustomer.OtherNewPassword)).ResultCase);
    }

    [Fact]
    public async Task SignOperation_CodeUsedTwice_OperationNotPendingAndNothingSent()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var mark = Outbox.Count;
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, code)).State);
        var changed = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.PasswordChanged, DemoCustomer.Seed.Email), (changed.Template, changed.To));
        mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.SignAsync(operation.OperationId, code));

        error.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.Equal("SIGNED", error.Metadata["state"]);
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task SignOperation_AfterCancel_OperationNotPendingAndPasswordUnchanged()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var mark = Outbox.Count;

        var cancelled = await Api.CancelAsync(operation.OperationId);
        var error = await RefusedAsync(() => Api.SignAsync(operation.OperationId, code));

        Assert.Equal(OperationState.Cancelled, cancelled.State);
        error.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.Equal("CANCELLED", error.Metadata["state"]);
        Assert.Empty(Outbox.Since(mark));
        await AssertLoginRefusedAsync(DemoCustomer.Seed, DemoCustomer.NewPassword);
        await AssertChangeRequiredAsync(DemoCustomer.Seed, temporary);
    }

    [Fact]
    public async Task SignOperation_AnotherOperationSignedFirst_OperationStale()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (a, codeA) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var (b, codeB) = await OpenChangeAsync(ticket, temporary, DemoCustomer.OtherNewPassword);
        await Api.SignAsync(a.OperationId, codeA);
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.SignAsync(b.OperationId, codeB));

        error.Is(StatusCode.FailedPrecondition, "OPERATION_STALE");
        Assert.Empty(Outbox.Since(mark));
        await AssertLoginRefusedAsync(DemoCustomer.Seed, DemoCustomer.OtherNewPassword);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(DemoCustomer.Seed.UserCode, DemoCustomer.NewPassword)).ResultCase);
    }

    [Fact]
    public async Task SignOperation_WrongCodeThreeTimes_CodeBurnedAndResendSignsWithNewCode()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var wrong = Other(code);
        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, wrong))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, wrong))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, wrong))).Is(StatusCode.FailedPrecondition, "CODE_BURNED");
        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, code))).Is(StatusCode.FailedPrecondition, "CODE_BURNED");
        await AssertLoginRefusedAsync(DemoCustomer.Seed, DemoCustomer.NewPassword);
        Time.Advance(TimeSpan.FromSeconds(30));
        var mark = Outbox.Count;

        var resent = await Api.ResendOperationCodeAsync(operation.OperationId);
        var sms = Outbox.Single(mark, NotificationTemplates.OperationCode);

        Assert.Equal(2, resent.ResendsRemaining);
        Assert.Equal(operation.Reference, sms.Values["reference"]);
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, sms.Values[CodeKey])).State);
    }

    [Fact]
    public async Task ResendOperationCode_BeforeCooldown_ResendTooSoonAndNoSms()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, _) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.ResendOperationCodeAsync(operation.OperationId));

        error.Is(StatusCode.ResourceExhausted, "RESEND_TOO_SOON");
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryDelay);
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task CancelOperation_AfterSigned_OperationNotPendingAndPasswordStays()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        await Api.SignAsync(operation.OperationId, code);

        var error = await RefusedAsync(() => Api.CancelAsync(operation.OperationId));

        error.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(DemoCustomer.Seed.UserCode, DemoCustomer.NewPassword)).ResultCase);
    }

    [Fact]
    public async Task ChangePassword_AfterSigned_TicketRevoked()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        await Api.SignAsync(operation.OperationId, code);
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.OtherNewPassword));

        error.Is(StatusCode.Unauthenticated, "CHANGE_TICKET_INVALID");
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task SignOperation_AfterOperationLifetime_OperationNotPending()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        Time.Advance(TimeSpan.FromMinutes(15));

        var error = await RefusedAsync(() => Api.SignAsync(operation.OperationId, code));

        error.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.Equal("EXPIRED", error.Metadata["state"]);
        await AssertLoginRefusedAsync(DemoCustomer.Seed, DemoCustomer.NewPassword);
    }
}
