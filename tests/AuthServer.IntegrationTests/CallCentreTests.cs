using Grpc.Core;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The call-centre path of step 6 through a real channel: an agent finds the operation by its
/// reference, checks the caller's card and reads out a fresh code that signs it, while the SMS code
/// stops working. Card checks are limited per reference; refusals spend nothing that was not theirs.
/// Run once per storage provider by the sealed subclasses.
/// </summary>
public abstract class CallCentreTests : IntegrationTest
{
    /// <summary>The published development token of appsettings.Development.json.</summary>
    private const string DevToken = "REVWRUxPUE1FTlQtY2FsbC1jZW50cmUtdG9rZW4tbm90LWEtc2VjcmV0LTAx";
    private const string AgentId = "agente.0042";

    private static readonly DemoCustomer Seed = DemoCustomer.Seed;

    private protected CallCentreTests(ServerOptions? options = null)
        : base(options)
    {
    }

    private CallCentreService.CallCentreServiceClient Agent => new(Api.Channel);

    [Fact]
    public async Task LookupOperation_PendingOperation_ShowsWhatTheAgentMayTellAndAuditsTheAgent()
    {
        var (operation, _) = await OpenOperationAsync();

        var found = await LookupAsync(operation.Reference);

        Assert.Equal(operation.Reference, found.Reference);
        Assert.Equal("Cambio de contraseña de Usuario de Banca Electrónica", found.Description);
        Assert.Equal("331", found.PhoneLastDigits);
        Assert.Equal(OperationState.Pending, found.State);
        Assert.Equal(operation.CodeExpireTime.ToDateTimeOffset() - TimeSpan.FromMinutes(5), found.CreateTime.ToDateTimeOffset());
        Assert.Equal((3, 3), (found.CardChecksRemaining, found.ResendsRemaining));
        var audited = Assert.Single(Audit.Of("callcentre.lookup"));
        Assert.Equal(("found", "call-centre", Seed.Id, operation.Reference, "agent=" + AgentId), (audited.Outcome, audited.Channel, audited.CustomerId, audited.SubjectId, audited.Detail));
    }

    [Fact]
    public async Task LookupOperation_UnknownReference_NotFound()
    {
        (await RefusedAsync(() => LookupAsync("12345678"))).Is(StatusCode.NotFound, "OPERATION_NOT_FOUND");
    }

    [Fact]
    public async Task IssueCodeByVoice_CallersOwnCard_CodeSignsTheSmsCodeNoLongerDoesAndTheCustomerIsEmailed()
    {
        var (operation, smsCode) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var mark = Outbox.Count;

        var voice = await IssueAsync(operation.Reference, Seed.Card, Seed.Expiry);

        Assert.Matches("^[0-9]{6}$", voice.Code);
        Assert.Equal(Time.GetUtcNow().AddMinutes(5), voice.CodeExpireTime.ToDateTimeOffset());
        Assert.Equal(2, voice.ResendsRemaining);
        var mail = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.OperationCodeByVoice, NotificationChannel.Email, Seed.Email), (mail.Template, mail.Channel, mail.To));
        Assert.DoesNotContain(voice.Code, mail.Text, StringComparison.Ordinal);
        Assert.Contains(operation.Reference, mail.Text, StringComparison.Ordinal);

        if (voice.Code != smsCode)
        {
            (await RefusedAsync(() => Api.SignAsync(operation.OperationId, smsCode))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        }

        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, voice.Code)).State);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(Seed.UserCode, DemoCustomer.NewPassword)).ResultCase);
        Assert.Single(Audit.Of("callcentre.issue_code_by_voice"), e => e.Outcome == "code_issued" && e.Detail == "agent=" + AgentId);
    }

    [Fact]
    public async Task IssueCodeByVoice_WrongCards_ThreeChecksThenExhaustedAndNothingIssuedOrSent()
    {
        var (operation, smsCode) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var mark = Outbox.Count;

        // Another customer's card, a valid card of nobody, the right card with another expiry: one answer.
        var attempts = new[] { (DemoCustomer.Maria.Card, DemoCustomer.Maria.Expiry), ("4000056655665556", "12/29"), (Seed.Card, "11/29") };
        for (var i = 0; i < attempts.Length; i++)
        {
            var (card, expiry) = attempts[i];
            var error = await RefusedAsync(() => IssueAsync(operation.Reference, card, expiry));
            error.Is(StatusCode.InvalidArgument, "CARD_MISMATCH");
            Assert.Equal(["card_number"], error.Fields);
            Assert.Equal((2 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Metadata["card_checks_remaining"]);
        }

        (await RefusedAsync(() => IssueAsync(operation.Reference, Seed.Card, Seed.Expiry))).Is(StatusCode.FailedPrecondition, "CARD_CHECKS_EXHAUSTED");
        Assert.Equal(0, (await LookupAsync(operation.Reference)).CardChecksRemaining);
        Assert.Empty(Outbox.Since(mark));

        // The phone path is closed for this reference; the online one is untouched.
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, smsCode)).State);
    }

    [Fact]
    public async Task IssueCodeByVoice_TwentyWrongCardsInParallel_AtMostThreeChecksSpentAndNothingIssuedOrSent()
    {
        var (operation, smsCode) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var mark = Outbox.Count;

        // A burst aimed at the per-reference limit: read-then-write counting would let every call through.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            RefusedAsync(() => IssueAsync(operation.Reference, DemoCustomer.Maria.Card, DemoCustomer.Maria.Expiry))));

        var reasons = answers.Select(a => a.Reason).ToList();
        Assert.Equal(3, reasons.Count(r => r == "CARD_MISMATCH"));
        Assert.Equal(17, reasons.Count(r => r == "CARD_CHECKS_EXHAUSTED"));
        Assert.Equal(3, Audit.Of("callcentre.issue_code_by_voice").Count(e => e.Outcome == "card_mismatch"));
        Assert.Equal(0, (await LookupAsync(operation.Reference)).CardChecksRemaining);
        (await RefusedAsync(() => IssueAsync(operation.Reference, Seed.Card, Seed.Expiry))).Is(StatusCode.FailedPrecondition, "CARD_CHECKS_EXHAUSTED");
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, smsCode)).State);
    }

    [Fact]
    public async Task IssueCodeByVoice_WithinTheResendCooldown_ResendTooSoonAndNoCardCheckSpent()
    {
        var (operation, smsCode) = await OpenOperationAsync();

        var error = await RefusedAsync(() => IssueAsync(operation.Reference, Seed.Card, Seed.Expiry));

        error.Is(StatusCode.ResourceExhausted, "RESEND_TOO_SOON");
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryDelay);
        Assert.Equal(3, (await LookupAsync(operation.Reference)).CardChecksRemaining);
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, smsCode)).State);
    }

    [Fact]
    public async Task IssueCodeByVoice_AfterWrongCodesOnline_SharesTheCountersAndAFreshCodeStillSigns()
    {
        var (operation, smsCode) = await OpenOperationAsync();
        for (var i = 0; i < 3; i++)
        {
            await RefusedAsync(() => Api.SignAsync(operation.OperationId, Other(smsCode)));
        }

        Time.Advance(TimeSpan.FromSeconds(30));
        var voice = await IssueAsync(operation.Reference, Seed.Card, Seed.Expiry);

        // Three wrong codes online burned the SMS code; the voice code is the same challenge's next code,
        // and the failures already made still count toward the operation's limit of 5.
        var error = await RefusedAsync(() => Api.SignAsync(operation.OperationId, Other(voice.Code)));
        error.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        Assert.Equal("1", error.Metadata["attempts_remaining"]);
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, voice.Code)).State);
    }

    [Theory]
    [InlineData("4548812044110336", "12/29", "card_number")]
    [InlineData("6011000990139424", "12/29", "card_number")]
    [InlineData("4548812044110335", "13/29", "card_expiry")]
    [InlineData("4548812044110335", "10/26", "card_expiry")]
    public async Task IssueCodeByVoice_InvalidCard_FieldViolationAndNoCheckSpent(string card, string expiry, string field)
    {
        var (operation, _) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));

        var error = await RefusedAsync(() => IssueAsync(operation.Reference, card, expiry));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal([field], error.Fields);
        Assert.Equal(3, (await LookupAsync(operation.Reference)).CardChecksRemaining);
    }

    [Fact]
    public async Task IssueCodeByVoice_SignedOperation_NotPending()
    {
        var (operation, smsCode) = await OpenOperationAsync();
        await Api.SignAsync(operation.OperationId, smsCode);
        Time.Advance(TimeSpan.FromSeconds(30));

        (await RefusedAsync(() => IssueAsync(operation.Reference, Seed.Card, Seed.Expiry))).Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        var found = await LookupAsync(operation.Reference);
        Assert.Equal((OperationState.Signed, 0), (found.State, found.ResendsRemaining));
    }

    [Theory]
    [InlineData(null, AgentId)]
    [InlineData("Bearer bm90LXRoZS1jYWxsLWNlbnRyZS10b2tlbi0wMTIzNDU2Nzg5", AgentId)]
    [InlineData("Bearer REVWRUxPUE1FTlQtZGlyZWN0b3J5LWFkbWluLXRva2VuLW5vdC1hLXNlY3JldDE=", AgentId)]
    public async Task CallCentre_MissingWrongOrAdminToken_Unauthenticated(string? authorization, string agent)
    {
        var (operation, _) = await OpenOperationAsync();
        var headers = new Metadata { { "x-agent-id", agent } };
        if (authorization is not null)
        {
            headers.Add("authorization", authorization);
        }

        var error = await RefusedAsync(() => RecoveryApi.CallAsync(Agent.LookupOperationAsync(
            new LookupOperationRequest { Reference = operation.Reference }, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));

        error.Is(StatusCode.Unauthenticated, "CALL_CENTRE_TOKEN_INVALID");
        Assert.Empty(Audit.Of("callcentre.lookup"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("agente con espacios")]
    public async Task CallCentre_MissingOrMalformedAgentId_InvalidArgumentOnTheHeader(string agent)
    {
        var (operation, _) = await OpenOperationAsync();
        var headers = new Metadata { { "authorization", "Bearer " + DevToken } };
        if (agent.Length > 0)
        {
            headers.Add("x-agent-id", agent);
        }

        var error = await RefusedAsync(() => RecoveryApi.CallAsync(Agent.LookupOperationAsync(
            new LookupOperationRequest { Reference = operation.Reference }, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal(["x-agent-id"], error.Fields);
    }

    [Fact]
    public async Task AuthClient_LookupThenVoiceCode_TheCodeItPrintsSignsTheOperation()
    {
        var (operation, _) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        string[] agent = ["--agent", AgentId, "--call-centre-token", DevToken, "--no-input"];

        var lookup = await RunCliAsync(["lookup", "--reference", operation.Reference, .. agent]);
        var voice = await RunCliAsync(["voice-code", "--reference", operation.Reference, "--card", Seed.Card, "--expiry", Seed.Expiry, .. agent]);

        Assert.True(lookup.ExitCode == 0, lookup.Stderr);
        Assert.Contains("phone ending in: 331", lookup.Stdout, StringComparison.Ordinal);
        Assert.Contains("card checks left: 3", lookup.Stdout, StringComparison.Ordinal);
        Assert.True(voice.ExitCode == 0, voice.Stderr);
        var code = System.Text.RegularExpressions.Regex.Match(voice.Stdout, "code to read out: ([0-9]{6})").Groups[1].Value;
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(operation.OperationId, code)).State);
    }

    [Fact]
    public async Task AuthClient_VoiceCodeWithAnotherCustomersCard_ExitsOneNamingTheReason()
    {
        var (operation, _) = await OpenOperationAsync();
        Time.Advance(TimeSpan.FromSeconds(30));

        var (exitCode, _, stderr) = await RunCliAsync(
            "voice-code", "--reference", operation.Reference, "--card", DemoCustomer.Maria.Card, "--expiry", DemoCustomer.Maria.Expiry,
            "--agent", AgentId, "--call-centre-token", DevToken, "--no-input");

        Assert.Equal(1, exitCode);
        Assert.Contains("CARD_MISMATCH", stderr, StringComparison.Ordinal);
    }

    private async Task<(Operation Operation, string SmsCode)> OpenOperationAsync()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);
        return await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
    }

    private Task<LookupOperationResponse> LookupAsync(string reference) =>
        RecoveryApi.CallAsync(Agent.LookupOperationAsync(new LookupOperationRequest { Reference = reference }, AgentOptions()));

    private Task<IssueOperationCodeByVoiceResponse> IssueAsync(string reference, string card, string expiry) =>
        RecoveryApi.CallAsync(Agent.IssueOperationCodeByVoiceAsync(
            new IssueOperationCodeByVoiceRequest { Reference = reference, CardNumber = card, CardExpiry = expiry }, AgentOptions()));

    private static CallOptions AgentOptions() =>
        new(new Metadata { { "authorization", "Bearer " + DevToken }, { "x-agent-id", AgentId } }, DateTime.UtcNow + RecoveryApi.Deadline);
}

public sealed class InMemoryCallCentreTests : CallCentreTests;

public sealed class RedisCallCentreTests(RedisServerFixture fixture)
    : CallCentreTests(new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))), IClassFixture<RedisServerFixture>;
