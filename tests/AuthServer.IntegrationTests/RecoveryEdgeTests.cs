using Grpc.Core;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Sessions;
using Recovery.V1;
using CredentialState = Recovery.AuthServer.Customers.CredentialState;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>Around the scenarios: concurrency, identifiers, code format, languages, parallel recoveries.</summary>
public sealed class RecoveryEdgeTests : IntegrationTest
{
    [Fact]
    public async Task ConfirmRecovery_SameCodeTwiceConcurrently_ExactlyOneRestores()
    {
        var (started, code) = await StartAsync(DemoCustomer.Seed);
        var mark = Outbox.Count;

        var attempts = Enumerable.Range(0, 4).Select(_ => Api.ConfirmAsync(started.RecoveryId, code)).ToArray();
        var settled = await Task.WhenAll(attempts.Select(async t =>
        {
            try
            {
                await t;
                return (StatusCode.OK, "OK");
            }
            catch (RpcException ex)
            {
                var error = await RefusedAsync(() => Task.FromException(ex));
                return (error.StatusCode, error.Reason);
            }
        })).WaitAsync(RecoveryApi.Timeout);

        Assert.Single(settled, s => s.Item1 == StatusCode.OK);
        Assert.All(settled.Where(s => s.Item1 != StatusCode.OK), s => Assert.Equal((StatusCode.FailedPrecondition, "CODE_ALREADY_USED"), s));
        Assert.Equal(2, Outbox.Since(mark).Count);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345a")]
    public async Task ConfirmRecovery_MalformedCode_CodeFormatAndNoAttemptConsumed(string malformed)
    {
        var (started, code) = await StartAsync(DemoCustomer.Seed);
        for (var i = 0; i < 5; i++)
        {
            var error = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, malformed));
            error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
            Assert.Equal("CODE_FORMAT", error.Violation("code").Reason);
        }

        // Five malformed tries burned nothing: the first wrong code still has all three tries.
        var wrong = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, Other(code)));
        Assert.Equal("2", wrong.Metadata["attempts_remaining"]);
        await Api.ConfirmAsync(started.RecoveryId, code);
    }

    [Theory]
    [InlineData("", "REQUIRED")]
    [InlineData("short", "MALFORMED")]
    [InlineData("not/a/valid/id/not/a/valid/id", "MALFORMED")]
    public async Task ResendRecoveryCode_MalformedRecoveryId_InvalidArgument(string recoveryId, string reason)
    {
        var error = await RefusedAsync(() => Api.ResendAsync(recoveryId));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal(reason, error.Violation("recovery_id").Reason);
        Assert.Empty(Outbox.All);
    }

    [Fact]
    public async Task ConfirmRecovery_UnknownRecoveryId_RecoveryNotFound()
    {
        var error = await RefusedAsync(() => Api.ConfirmAsync("AAAAAAAAAAAAAAAAAAAAAA", "123456"));

        error.Is(StatusCode.NotFound, "RECOVERY_NOT_FOUND");
    }

    [Fact]
    public async Task ConfirmRecovery_AfterRecoveryLifetime_RecoveryNotFound()
    {
        var (started, code) = await StartAsync(DemoCustomer.Seed);
        for (var i = 0; i < 3; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(30));
            await Api.ResendAsync(started.RecoveryId);
        }

        Time.Advance(TimeSpan.FromHours(1));

        var error = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, code));

        error.Is(StatusCode.NotFound, "RECOVERY_NOT_FOUND");
        Assert.Equal(CredentialState.Blocked, (await CredentialsAsync(DemoCustomer.Seed)).State);
    }

    [Fact]
    public async Task StartRecovery_EnglishRequested_SmsAndOperationInEnglish()
    {
        var john = DemoCustomer.John;
        var mark = Outbox.Count;
        var started = await Api.StartAsync(john.Card, john.Expiry, john.Document, language: "en");
        var sms = Outbox.Single(mark, NotificationTemplates.RecoveryCode);
        Assert.Equal((john.Phone, "en"), (sms.To, sms.Language));
        Assert.StartsWith("Banca a Distancia: your code", sms.Text, StringComparison.Ordinal);

        mark = Outbox.Count;
        var confirmed = await Api.ConfirmAsync(started.RecoveryId, sms.Values[CodeKey]);
        Assert.Equal("jo*****@example.com", confirmed.MaskedEmail);
        Assert.Equal("+44 - 7*****123", confirmed.MaskedPhone);
        Assert.All(Outbox.Since(mark), n => Assert.Equal("en", n.Language));
        var temporary = Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];

        var ticket = (await Api.LoginAsync(john.UserCode, temporary)).PasswordChangeRequired.ChangeTicket;
        var operation = (await RecoveryApi.CallAsync(Api.Access.ChangePasswordAsync(
            new ChangePasswordRequest
            {
                ChangeTicket = ticket,
                CurrentPassword = temporary,
                NewPassword = DemoCustomer.NewPassword,
                RepeatPassword = DemoCustomer.NewPassword,
                LanguageCode = "en",
            },
            RecoveryApi.Options()))).Operation;
        Assert.Equal("Online Banking user password change", operation.Description);
        Assert.Equal("123", operation.PhoneLastDigits);
    }

    [Fact]
    public async Task StartRecovery_NoLanguageRequested_MessagesInTheCustomersOwnLanguage()
    {
        // John's directory entry says "en"; the channel sends no language_code.
        var john = DemoCustomer.John;
        var mark = Outbox.Count;
        var started = await Api.StartAsync(john.Card, john.Expiry, john.Document);
        var sms = Outbox.Single(mark, NotificationTemplates.RecoveryCode);
        Assert.Equal("en", sms.Language);

        mark = Outbox.Count;
        await Api.ConfirmAsync(started.RecoveryId, sms.Values[CodeKey]);
        var temporary = Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];
        Assert.All(Outbox.Since(mark), n => Assert.Equal("en", n.Language));

        var ticket = (await Api.LoginAsync(john.UserCode, temporary)).PasswordChangeRequired.ChangeTicket;
        mark = Outbox.Count;
        var operation = (await Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword)).Operation;
        Assert.Equal("Online Banking user password change", operation.Description);
        Assert.Equal("en", Outbox.Single(mark, NotificationTemplates.OperationCode).Language);
    }

    [Fact]
    public async Task StartRecovery_NoLanguageRequestedSpanishCustomer_MessagesInSpanish()
    {
        var mark = Outbox.Count;
        await Api.StartAsync(DemoCustomer.Seed);

        var sms = Outbox.Single(mark, NotificationTemplates.RecoveryCode);
        Assert.Equal("es-ES", sms.Language);
        Assert.StartsWith("Banca a Distancia: tu codigo", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfirmRecovery_OtherOpenRecoveryAfterProcedureBlocked_RecoveryBlocked()
    {
        // Two recoveries opened for the same card (within the rate limit). Five wrong codes on the
        // first block the customer's recovery *procedure*; the second must not go on taking guesses,
        // or each extra open recovery buys an attacker five more tries past the block.
        var (first, firstCode) = await StartAsync(DemoCustomer.Seed);
        var (second, secondCode) = await StartAsync(DemoCustomer.Seed);
        var wrong = Other(firstCode);
        for (var i = 0; i < 3; i++)
        {
            await RefusedAsync(() => Api.ConfirmAsync(first.RecoveryId, wrong));
        }

        Time.Advance(TimeSpan.FromSeconds(30));
        var resendMark = Outbox.Count;
        await Api.ResendAsync(first.RecoveryId);
        wrong = Other(Outbox.Single(resendMark, NotificationTemplates.RecoveryCode).Values[CodeKey]);
        await RefusedAsync(() => Api.ConfirmAsync(first.RecoveryId, wrong));
        (await RefusedAsync(() => Api.ConfirmAsync(first.RecoveryId, wrong))).Is(StatusCode.FailedPrecondition, "RECOVERY_BLOCKED");
        var mark = Outbox.Count;

        var guess = await RefusedAsync(() => Api.ConfirmAsync(second.RecoveryId, Other(secondCode)));

        guess.Is(StatusCode.FailedPrecondition, "RECOVERY_BLOCKED");
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(CredentialState.Blocked, (await CredentialsAsync(DemoCustomer.Seed)).State);
    }
}
