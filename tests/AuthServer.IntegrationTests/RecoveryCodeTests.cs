using Grpc.Core;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.V1;
using CredentialState = Recovery.AuthServer.Customers.CredentialState;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>Scenarios 2–4 and 11: the SMS code of a recovery (attempts, expiry, resends, blocking).</summary>
public sealed class RecoveryCodeTests : IntegrationTest
{
    [Fact]
    public async Task ConfirmRecovery_WrongCodeThreeTimes_BurnsCodeAndChangesNothing()
    {
        var (started, code) = await StartAsync(DemoCustomer.Seed);
        var mark = Outbox.Count;
        var wrong = Other(code);

        var first = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, wrong));
        var second = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, wrong));
        var third = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, wrong));
        var right = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, code));

        first.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        Assert.Equal("2", first.Metadata["attempts_remaining"]);
        Assert.Equal("code", first.Violation("code").Field);
        second.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        Assert.Equal("1", second.Metadata["attempts_remaining"]);
        third.Is(StatusCode.FailedPrecondition, "CODE_BURNED");
        right.Is(StatusCode.FailedPrecondition, "CODE_BURNED");

        Assert.Empty(Outbox.Since(mark));
        Assert.Single(Outbox.All);
        var credentials = await CredentialsAsync(DemoCustomer.Seed);
        Assert.Equal(CredentialState.Blocked, credentials.State);
        Assert.Null(credentials.TemporaryPasswordMac);
        (await RefusedAsync(() => Api.LoginAsync(DemoCustomer.Seed.UserCode, DemoCustomer.Seed.InitialPassword)))
            .Is(StatusCode.PermissionDenied, "CREDENTIALS_BLOCKED");
    }

    [Fact]
    public async Task ConfirmRecovery_FiveMinutesAfterSending_CodeExpiredAndNothingChanged()
    {
        var (started, code) = await StartAsync(DemoCustomer.Seed);
        var mark = Outbox.Count;
        Time.Advance(TimeSpan.FromMinutes(5));

        var error = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, code));

        error.Is(StatusCode.FailedPrecondition, "CODE_EXPIRED");
        Assert.Empty(Outbox.Since(mark));
        var credentials = await CredentialsAsync(DemoCustomer.Seed);
        Assert.Equal(CredentialState.Blocked, credentials.State);
        Assert.Null(credentials.TemporaryPasswordMac);
    }

    [Fact]
    public async Task ConfirmRecovery_JustBeforeExpiry_Succeeds()
    {
        var (started, code) = await StartAsync(DemoCustomer.Seed);
        Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        var confirmed = await Api.ConfirmAsync(started.RecoveryId, code);

        Assert.Equal("sb*****@ebcc.es", confirmed.MaskedEmail);
    }

    [Fact]
    public async Task ResendRecoveryCode_BeforeCooldown_ResendTooSoonWithRetryInfoAndNoSms()
    {
        var (started, _) = await StartAsync(DemoCustomer.Seed);
        var mark = Outbox.Count;

        var immediate = await RefusedAsync(() => Api.ResendAsync(started.RecoveryId));
        Time.Advance(TimeSpan.FromSeconds(29));
        var almost = await RefusedAsync(() => Api.ResendAsync(started.RecoveryId));

        immediate.Is(StatusCode.ResourceExhausted, "RESEND_TOO_SOON");
        Assert.Equal(TimeSpan.FromSeconds(30), immediate.RetryDelay);
        almost.Is(StatusCode.ResourceExhausted, "RESEND_TOO_SOON");
        Assert.Equal(TimeSpan.FromSeconds(1), almost.RetryDelay);
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task ResendRecoveryCode_AfterCooldown_NewCodeSentAndOldOneRefused()
    {
        var (started, oldCode) = await StartAsync(DemoCustomer.Seed);
        Time.Advance(TimeSpan.FromSeconds(30));
        var now = Time.GetUtcNow();
        var mark = Outbox.Count;

        var resent = await Api.ResendAsync(started.RecoveryId);

        Assert.Equal(2, resent.ResendsRemaining);
        Assert.Equal(now.AddMinutes(5), resent.CodeExpireTime.ToDateTimeOffset());
        Assert.Equal(now.AddSeconds(30), resent.ResendAvailableTime.ToDateTimeOffset());
        var sms = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.RecoveryCode, DemoCustomer.Seed.Phone), (sms.Template, sms.To));
        var newCode = sms.Values[CodeKey];

        // A 1-in-a-million draw repeats the code; then "the old one" is the new one and proves nothing.
        if (newCode != oldCode)
        {
            (await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, oldCode))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        }

        var confirmed = await Api.ConfirmAsync(started.RecoveryId, newCode);
        Assert.Equal("+34 - 6*****331", confirmed.MaskedPhone);
    }

    [Fact]
    public async Task ResendRecoveryCode_AfterThreeResends_ResendLimitReachedAndNoSms()
    {
        var (started, _) = await StartAsync(DemoCustomer.Seed);
        for (var remaining = 2; remaining >= 0; remaining--)
        {
            Time.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(remaining, (await Api.ResendAsync(started.RecoveryId)).ResendsRemaining);
        }

        Time.Advance(TimeSpan.FromSeconds(30));
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.ResendAsync(started.RecoveryId));

        error.Is(StatusCode.FailedPrecondition, "RESEND_LIMIT_REACHED");
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(4, Outbox.All.Count(n => n.Template == NotificationTemplates.RecoveryCode));
    }

    [Fact]
    public async Task ConfirmRecovery_FiveWrongCodesOverTwoCodes_BlocksRecoveryProcedureButNotLogin()
    {
        var maria = DemoCustomer.Maria;
        var (earlier, _) = await StartAsync(maria);
        var (started, firstCode) = await StartAsync(maria);
        var wrong = Other(firstCode);
        (await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, wrong))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        (await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, wrong))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        (await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, wrong))).Is(StatusCode.FailedPrecondition, "CODE_BURNED");
        Time.Advance(TimeSpan.FromSeconds(30));
        var resendMark = Outbox.Count;
        await Api.ResendAsync(started.RecoveryId);
        var secondCode = Outbox.Single(resendMark, NotificationTemplates.RecoveryCode).Values[CodeKey];
        wrong = Other(secondCode);

        // A new code does not reset the count of failures: the fourth and fifth wrong tries block.
        var fourth = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, wrong));
        var fifth = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, wrong));
        var rightAfterwards = await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, secondCode));

        fourth.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        Assert.Equal("1", fourth.Metadata["attempts_remaining"]); // the new code's own 3 tries, capped by the 5 of the recovery
        fifth.Is(StatusCode.FailedPrecondition, "RECOVERY_BLOCKED");
        rightAfterwards.Is(StatusCode.FailedPrecondition, "RECOVERY_BLOCKED");

        // A recovery opened with the card before the block gets no new code: refused, nothing sent (nor stored).
        var blockedMark = Outbox.Count;
        (await RefusedAsync(() => Api.ResendAsync(earlier.RecoveryId))).Is(StatusCode.FailedPrecondition, "RECOVERY_BLOCKED");
        Assert.Empty(Outbox.Since(blockedMark));

        // A new recovery for the same card looks normal but sends nothing while the procedure is blocked.
        var mark = Outbox.Count;
        var again = await Api.StartAsync(maria);
        Assert.False(string.IsNullOrEmpty(again.RecoveryId));
        Assert.Equal(started.RecoveryId.Length, again.RecoveryId.Length);
        Assert.Equal(Time.GetUtcNow().AddMinutes(5), again.CodeExpireTime.ToDateTimeOffset());
        Assert.Equal(Time.GetUtcNow().AddSeconds(30), again.ResendAvailableTime.ToDateTimeOffset());
        Assert.Equal(3, again.ResendsRemaining);
        Assert.Empty(Outbox.Since(mark));
        Assert.Contains(Audit.Of("recovery.blocked"), e => e.CustomerId == maria.Id);

        // Never the login: a thief with the card must not be able to lock the customer out.
        var login = await Api.LoginAsync(maria.UserCode, maria.InitialPassword);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, login.ResultCase);
    }

    [Fact]
    public async Task StartRecovery_AfterRecoveryBlockEnds_SendsCodeAgain()
    {
        var maria = DemoCustomer.Maria;
        var (started, code) = await StartAsync(maria);
        var wrong = Other(code);
        for (var i = 0; i < 3; i++)
        {
            await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, wrong));
        }

        Time.Advance(TimeSpan.FromSeconds(30));
        await Api.ResendAsync(started.RecoveryId);
        for (var i = 0; i < 2; i++)
        {
            await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, wrong));
        }

        // Default first block: 1 hour.
        Time.Advance(TimeSpan.FromMinutes(59));
        var mark = Outbox.Count;
        await Api.StartAsync(maria);
        Assert.Empty(Outbox.Since(mark));

        Time.Advance(TimeSpan.FromMinutes(1));
        var (restarted, newCode) = await StartAsync(maria);
        var confirmed = await Api.ConfirmAsync(restarted.RecoveryId, newCode);
        Assert.Equal("+34 - 6*****032", confirmed.MaskedPhone);
    }
}
