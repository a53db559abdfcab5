using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Otp;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Every RPC's Redis work in at most <see cref="MaxTrips"/> sequential round trips, counted on a real redis-server
/// through <see cref="RedisTripProxy"/> (so that it cannot creep back), and the same trips on the decoy path as on the
/// real one wherever the answer must not tell whether a card, user code or reference exists: a round trip is the
/// largest part of a call's time on a remote store. The outbox dispatcher is switched off (its reads run beside every
/// call, not in one); the enqueue of each step is counted. The captcha here is the development one, which touches no
/// store; <see cref="RedisAltchaRoundTripTests"/> counts a real one.
/// </summary>
public sealed class RedisRoundTripTests : IntegrationTest, IClassFixture<RedisServerFixture>
{
    private const int MaxTrips = 3;

    // StartRecovery's commands (issue 11, fourth session): the rate limits, the card's index and its block; the customer's
    // read; the recovery with its code's challenge (one script: the id names the challenge's slot) and the message. Each
    // command is a reply for the server to complete and a command for redis-server to parse: pinned so none creeps back.
    private const int StartRecoveryCommands = 6;

    // ResendRecoveryCode's commands: the recovery; the reissue with the card's block check (one script in the recovery's
    // group) and the customer's read; the message.
    private const int ResendRecoveryCodeCommands = 4;

    private static readonly DemoCustomer Seed = DemoCustomer.Seed;
    private static readonly DemoCustomer Maria = DemoCustomer.Maria;

    private readonly RedisTripProxy proxy;

    public RedisRoundTripTests(RedisServerFixture fixture)
        : this(RedisTripProxy.Start(fixture.Server))
    {
    }

    private RedisRoundTripTests(RedisTripProxy proxy)
        : base(new ServerOptions(Redis: (proxy.Configuration, RedisServerFixture.UniquePrefix()), Services: RedisTripProxy.WithoutBackgroundReaders)) =>
        this.proxy = proxy;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await proxy.DisposeAsync();
    }

    // Recovery service (steps 1–3).

    [Fact]
    public async Task StartRecovery_KnownCardUnknownCardOrWrongDocument_AtMostThreeAndTheSameTrips()
    {
        await WarmUpAsync();

        var known = await proxy.CountAsync(() => Api.StartAsync(Seed));
        var unknown = await proxy.CountAsync(() => Api.StartAsync(SyntheticCustomer.Card(999), SyntheticCustomer.Expiry, SyntheticCustomer.Document(999)));
        var wrongDocument = await proxy.CountAsync(() => Api.StartAsync(Maria.Card, Maria.Expiry, Seed.Document));

        AssertAtMost(known);
        Assert.True(known.Commands == StartRecoveryCommands, known.ToString());
        AssertSameTrips(known, unknown);
        AssertSameTrips(known, wrongDocument);
    }

    [Fact]
    public async Task StartRecovery_WithAnIdempotencyKey_AtMostThreeAndTheSameTripsAsWithout()
    {
        await WarmUpAsync();
        var headers = new Metadata { { "x-idempotency-key", "start-" + Guid.NewGuid().ToString("N") } };
        var request = new StartRecoveryRequest { CardNumber = Seed.Card, CardExpiry = Seed.Expiry, DocumentId = Seed.Document, CaptchaToken = DemoCustomer.Captcha };
        var decoy = new StartRecoveryRequest
        {
            CardNumber = SyntheticCustomer.Card(999), CardExpiry = SyntheticCustomer.Expiry, DocumentId = SyntheticCustomer.Document(999), CaptchaToken = DemoCustomer.Captcha,
        };
        var decoyHeaders = new Metadata { { "x-idempotency-key", "start-" + Guid.NewGuid().ToString("N") } };

        var without = await proxy.CountAsync(() => Api.StartAsync(request));
        var with = await proxy.CountAsync(() => RecoveryApi.CallAsync(Api.Recovery.StartRecoveryAsync(request, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));
        var decoyWith = await proxy.CountAsync(() => RecoveryApi.CallAsync(Api.Recovery.StartRecoveryAsync(decoy, new CallOptions(decoyHeaders, DateTime.UtcNow + RecoveryApi.Deadline))));
        var retry = await proxy.CountAsync(() => RecoveryApi.CallAsync(Api.Recovery.StartRecoveryAsync(request, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));

        // The claim rides the first step beside the card's reads (the rate limits wait for its answer and go beside the
        // customer's read), the response the last beside the writes (IdempotencyRider); a retry answers from the claim.
        AssertAtMost(with);
        Assert.True(with.Count == without.Count, $"Without {without}{Environment.NewLine}With {with}");
        AssertSameTrips(with, decoyWith);
        AssertAtMost(retry, 2);
    }

    [Fact]
    public async Task ResendRecoveryCode_RealOrDecoyRecovery_AtMostThreeAndTheSameTrips()
    {
        var real = await Api.StartAsync(Seed);
        var decoy = await Api.StartAsync(SyntheticCustomer.Card(999), SyntheticCustomer.Expiry, SyntheticCustomer.Document(999));
        Time.Advance(TimeSpan.FromSeconds(30));

        var realTrips = await proxy.CountAsync(() => Api.ResendAsync(real.RecoveryId));
        var decoyTrips = await proxy.CountAsync(() => Api.ResendAsync(decoy.RecoveryId));

        AssertAtMost(realTrips);
        Assert.True(realTrips.Commands == ResendRecoveryCodeCommands, realTrips.ToString());
        AssertSameTrips(realTrips, decoyTrips);
    }

    [Fact]
    public async Task ResendRecoveryCode_WithAnIdempotencyKey_AtMostThreeAndTheSameTripsAsWithout()
    {
        var real = await Api.StartAsync(Seed);
        var other = await Api.StartAsync(Maria);
        Time.Advance(TimeSpan.FromSeconds(30));
        var headers = new Metadata { { "x-idempotency-key", "resend-" + Guid.NewGuid().ToString("N") } };
        var request = new ResendRecoveryCodeRequest { RecoveryId = other.RecoveryId };

        var without = await proxy.CountAsync(() => Api.ResendAsync(real.RecoveryId));
        var with = await proxy.CountAsync(() => RecoveryApi.CallAsync(Api.Recovery.ResendRecoveryCodeAsync(request, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));
        var retry = await proxy.CountAsync(() => RecoveryApi.CallAsync(Api.Recovery.ResendRecoveryCodeAsync(request, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));

        // The claim rides the recovery's read and the response the message's enqueue; a retry answers from the claim.
        AssertAtMost(with);
        Assert.True(with.Count == without.Count, $"Without {without}{Environment.NewLine}With {with}");
        AssertAtMost(retry, 1);
    }

    [Fact]
    public async Task ResendRecoveryCode_TooSoon_AtMostThree()
    {
        var (started, _) = await StartAsync(Seed);

        AssertAtMost(await proxy.CountAsync(() => RefusedAsync(() => Api.ResendAsync(started.RecoveryId))));
    }

    [Fact]
    public async Task ConfirmRecovery_RightCode_AtMostThree()
    {
        var (started, code) = await StartAsync(Seed);

        // The recovery; its code's try (one script) beside the customer; the messages' hold beside the restore (whose
        // script announces the change to the dispatchers) and the recovery's state.
        AssertAtMost(await proxy.CountAsync(() => Api.ConfirmAsync(started.RecoveryId, code)));
    }

    [Fact]
    public async Task ConfirmRecovery_WithAnIdempotencyKey_AtMostThreeAndTheSameTripsAsWithout()
    {
        var (started, code) = await StartAsync(Seed);
        var (other, otherCode) = await StartAsync(Maria);
        var headers = new Metadata { { "x-idempotency-key", "confirm-" + Guid.NewGuid().ToString("N") } };
        var request = new ConfirmRecoveryRequest { RecoveryId = other.RecoveryId, Code = otherCode };

        var without = await proxy.CountAsync(() => Api.ConfirmAsync(started.RecoveryId, code));
        var with = await proxy.CountAsync(() => RecoveryApi.CallAsync(Api.Recovery.ConfirmRecoveryAsync(request, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));

        // The claim rides the recovery's read (no try is taken before its answer), the response the hold, the restore
        // and the recovery's state.
        AssertAtMost(with);
        Assert.True(with.Count == without.Count, $"Without {without}{Environment.NewLine}With {with}");
    }

    [Fact]
    public async Task ConfirmRecovery_WrongCodeWithAnIdempotencyKey_AtMostThreeAndOnlyTheMarkersRemovalMore()
    {
        var (started, code) = await StartAsync(Seed);
        var (other, otherCode) = await StartAsync(Maria);
        var headers = new Metadata { { "x-idempotency-key", "confirm-" + Guid.NewGuid().ToString("N") } };
        var request = new ConfirmRecoveryRequest { RecoveryId = other.RecoveryId, Code = Other(otherCode) };

        var without = await proxy.CountAsync(() => RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, Other(code))));
        var with = await proxy.CountAsync(() => RefusedAsync(() => RecoveryApi.CallAsync(Api.Recovery.ConfirmRecoveryAsync(request, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline)))));

        // A refusal is not stored: the marker's removal after it is the one step more (as ChangePassword's).
        AssertAtMost(with);
        Assert.True(with.Count == without.Count + 1, $"Without {without}{Environment.NewLine}With {with}");
    }

    [Fact]
    public async Task ConfirmRecovery_WrongCodeOnARealOrADecoyRecovery_AtMostThreeAndTheSameTrips()
    {
        var (real, code) = await StartAsync(Seed);
        var decoy = await Api.StartAsync(SyntheticCustomer.Card(999), SyntheticCustomer.Expiry, SyntheticCustomer.Document(999));

        var realTrips = await proxy.CountAsync(() => RefusedAsync(() => Api.ConfirmAsync(real.RecoveryId, Other(code))));
        var decoyTrips = await proxy.CountAsync(() => RefusedAsync(() => Api.ConfirmAsync(decoy.RecoveryId, Other(code))));

        AssertAtMost(realTrips);
        AssertSameTrips(realTrips, decoyTrips);
    }

    [Fact]
    public async Task ConfirmRecovery_WrongCodeThatFillsTheCardsBudget_AtMostThree()
    {
        var (started, _) = await StartAsync(Seed);
        await WrongCodesAsync(started.RecoveryId, 4);

        var trips = await proxy.CountAsync(async () =>
            (await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, "000001"))).Is(StatusCode.FailedPrecondition, "RECOVERY_BLOCKED"));

        AssertAtMost(trips);
    }

    [Fact]
    public async Task ConfirmRecovery_BlockedCard_AtMostThree()
    {
        var (started, code) = await StartAsync(Seed);
        await WrongCodesAsync(started.RecoveryId, 5);

        AssertAtMost(await proxy.CountAsync(async () =>
            (await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, code))).Is(StatusCode.FailedPrecondition, "RECOVERY_BLOCKED")));
    }

    [Fact]
    public async Task ConfirmRecovery_UnknownRecovery_AtMostThree()
    {
        await WarmUpAsync();

        AssertAtMost(await proxy.CountAsync(() => RefusedAsync(() => Api.ConfirmAsync("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "123456"))));
    }

    // Call-centre service.

    [Fact]
    public async Task LookupOperation_KnownOrUnknownReference_AtMostThreeAndTheSameTrips()
    {
        var (operation, _) = await OpenOperationAsync(Seed);

        var known = await proxy.CountAsync(() => RecoveryApi.CallAsync(Agent.LookupOperationAsync(new LookupOperationRequest { Reference = operation.Reference }, AgentOptions())));
        var unknown = await proxy.CountAsync(() => RefusedAsync(() => RecoveryApi.CallAsync(Agent.LookupOperationAsync(new LookupOperationRequest { Reference = "12345678" }, AgentOptions()))));

        AssertAtMost(known);
        AssertSameTrips(known, unknown);
    }

    [Fact]
    public async Task IssueOperationCodeByVoice_CallersOwnCardOrAnotherCard_AtMostThree()
    {
        var (operation, _) = await OpenOperationAsync(Seed);
        Time.Advance(TimeSpan.FromSeconds(30));

        AssertAtMost(await proxy.CountAsync(() => RefusedAsync(() => IssueByVoiceAsync(operation.Reference, Maria.Card, Maria.Expiry))));
        AssertAtMost(await proxy.CountAsync(() => IssueByVoiceAsync(operation.Reference, Seed.Card, Seed.Expiry)));
    }

    // Access service (steps 4–6 and the authenticator app).

    [Fact]
    public async Task Login_WrongPasswordForAKnownOrAnUnknownUserCode_AtMostThreeAndTheSameTrips()
    {
        await WarmUpAsync();

        var known = await proxy.CountAsync(() => RefusedAsync(() => Api.LoginAsync(Maria.UserCode, "Nope#Nope#1234")));
        var unknown = await proxy.CountAsync(() => RefusedAsync(() => Api.LoginAsync("99999999", "Nope#Nope#1234")));

        AssertAtMost(known);
        AssertSameTrips(known, unknown);
    }

    [Fact]
    public async Task Login_RightPassword_AtMostThree()
    {
        await WarmUpAsync();

        AssertAtMost(await proxy.CountAsync(() => Api.LoginAsync(Maria.UserCode, Maria.InitialPassword)));
    }

    [Fact]
    public async Task Login_BlockedKnownOrUnknownUserCode_AtMostThreeAndTheSameTrips()
    {
        await WarmUpAsync();
        for (var i = 0; i < 5; i++)
        {
            await RefusedAsync(() => Api.LoginAsync(Maria.UserCode, "Nope#Nope#1234"));
            await RefusedAsync(() => Api.LoginAsync("99999999", "Nope#Nope#1234"));
        }

        var known = await proxy.CountAsync(() => RefusedAsync(() => Api.LoginAsync(Maria.UserCode, Maria.InitialPassword)));
        var unknown = await proxy.CountAsync(() => RefusedAsync(() => Api.LoginAsync("99999999", Maria.InitialPassword)));

        AssertAtMost(known);
        AssertSameTrips(known, unknown);
    }

    [Fact]
    public async Task Login_TemporaryPassword_AtMostThree()
    {
        var temporary = await RecoverAsync(Seed);

        AssertAtMost(await proxy.CountAsync(() => Api.LoginAsync(Seed.UserCode, temporary)));
    }

    [Fact]
    public async Task EvaluatePassword_WithATicket_AtMostThree()
    {
        var (ticket, _) = await RecoverAndLogInAsync(Seed);

        AssertAtMost(await proxy.CountAsync(() => Api.EvaluateAsync(DemoCustomer.NewPassword, ticket)));
    }

    [Fact]
    public async Task EvaluatePassword_WithoutATicket_AtMostThree()
    {
        await WarmUpAsync();

        AssertAtMost(await proxy.CountAsync(() => Api.EvaluateAsync(DemoCustomer.NewPassword)));
    }

    [Fact]
    public async Task ChangePassword_LiveTicket_AtMostThree()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);

        AssertAtMost(await proxy.CountAsync(() => Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword)));
    }

    [Fact]
    public async Task ChangePassword_WithAnIdempotencyKey_AtMostThreeAndTheSameTripsAsWithout()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);
        var (otherTicket, otherTemporary) = await RecoverAndLogInAsync(Maria);
        var headers = new Metadata { { "x-idempotency-key", "change-" + Guid.NewGuid().ToString("N") } };
        var request = new ChangePasswordRequest
        {
            ChangeTicket = otherTicket,
            CurrentPassword = otherTemporary,
            NewPassword = DemoCustomer.NewPassword,
            RepeatPassword = DemoCustomer.NewPassword,
        };

        var without = await proxy.CountAsync(() => Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword));
        var with = await proxy.CountAsync(() => RecoveryApi.CallAsync(Api.Access.ChangePasswordAsync(request, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));

        // The claim rides the ticket's touch (the reservation waits for its answer), the response the operation's writes.
        AssertAtMost(with);
        Assert.True(with.Count == without.Count, $"Without {without}{Environment.NewLine}With {with}");
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPasswordOrPolicyViolation_AtMostThree()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);

        AssertAtMost(await proxy.CountAsync(() => RefusedAsync(() => Api.ChangePasswordAsync(ticket, "Wrong#Temp#1234", DemoCustomer.NewPassword))));
        AssertAtMost(await proxy.CountAsync(() => RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, "short"))));
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPasswordThatBlocks_AtMostThreeAndTheTicketEnds()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);
        for (var i = 0; i < 4; i++)
        {
            await RefusedAsync(() => Api.ChangePasswordAsync(ticket, "Wrong#Temp#1234", DemoCustomer.NewPassword));
        }

        AssertAtMost(await proxy.CountAsync(() => RefusedAsync(() => Api.ChangePasswordAsync(ticket, "Wrong#Temp#1234", DemoCustomer.NewPassword))));
        (await RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword))).Is(StatusCode.Unauthenticated, "CHANGE_TICKET_INVALID");
    }

    [Fact]
    public async Task ResendOperationCode_PendingOperation_AtMostThree()
    {
        var (operation, _) = await OpenOperationAsync(Seed);
        Time.Advance(TimeSpan.FromSeconds(30));

        AssertAtMost(await proxy.CountAsync(() => Api.ResendOperationCodeAsync(operation.OperationId)));
    }

    [Fact]
    public async Task ResendOperationCode_WithAnIdempotencyKey_AtMostThreeAndTheSameTripsAsWithout()
    {
        var (operation, _) = await OpenOperationAsync(Seed);
        var (other, _) = await OpenOperationAsync(Maria);
        Time.Advance(TimeSpan.FromSeconds(30));
        var headers = new Metadata { { "x-idempotency-key", "resend-op-" + Guid.NewGuid().ToString("N") } };
        var request = new ResendOperationCodeRequest { OperationId = other.OperationId };

        var without = await proxy.CountAsync(() => Api.ResendOperationCodeAsync(operation.OperationId));
        var with = await proxy.CountAsync(() => RecoveryApi.CallAsync(Api.Access.ResendOperationCodeAsync(request, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));

        // The claim rides the operation's read (the reissue waits for its answer), the response the message's enqueue.
        AssertAtMost(with);
        Assert.True(with.Count == without.Count, $"Without {without}{Environment.NewLine}With {with}");
    }

    [Fact]
    public async Task SignOperation_RightCode_AtMostThree()
    {
        var (operation, code) = await OpenOperationAsync(Seed);

        // The operation; the try's take, the code and the settle in one script of the customer's slot (the operation's id
        // names the slot twin of the customer's tag) beside the check that its change has not applied, the authenticator
        // and the profile; the e-mail held with the commit (whose script announces the release) and the ticket's deletion.
        AssertAtMost(await proxy.CountAsync(() => Api.SignAsync(operation.OperationId, code)));
    }

    [Fact]
    public async Task SignOperation_RightCodeWithAnIdempotencyKey_AtMostThreeAndTheSameTripsAsWithout()
    {
        var (operation, code) = await OpenOperationAsync(Seed);
        var (other, otherCode) = await OpenOperationAsync(Maria);
        var request = new SignOperationRequest { OperationId = other.OperationId, Code = otherCode };

        var without = await proxy.CountAsync(() => Api.SignAsync(operation.OperationId, code));
        var with = await proxy.CountAsync(() => RecoveryApi.CallAsync(Api.Access.SignOperationAsync(request, WithKey("sign"))));

        // The claim rides the operation's read (the try waits for its answer); the response rides the commit, stored under
        // the condition that the operation's change applied (before the commit's answer, Signed is not known yet). Before
        // the fifth session it was stored after the call: one trip more.
        AssertAtMost(with);
        Assert.True(with.Count == without.Count, $"Without {without}{Environment.NewLine}With {with}");
    }

    [Fact]
    public async Task SignOperation_RightTotpCodeWithAnIdempotencyKey_AtMostThreeAndTheSameTripsAsWithout()
    {
        var maria = await ConfirmedAppAsync(Maria);
        var john = await ConfirmedAppAsync(DemoCustomer.John);
        var (operation, _) = await OpenOperationAsync(Maria);
        var (other, _) = await OpenOperationAsync(DemoCustomer.John);
        Time.Advance(TimeSpan.FromSeconds(30)); // past the time step each confirmation used
        var request = new SignOperationRequest { OperationId = other.OperationId, Code = TotpNow(john) };
        var states = (Without: OperationState.Unspecified, With: OperationState.Unspecified);

        var without = await proxy.CountAsync(async () => states.Without = (await Api.SignAsync(operation.OperationId, TotpNow(maria))).State);
        var with = await proxy.CountAsync(async () => states.With = (await RecoveryApi.CallAsync(Api.Access.SignOperationAsync(request, WithKey("sign-app")))).State);

        // The response rides the app step's round trip with the guarded commit behind it.
        Assert.Equal((OperationState.Signed, OperationState.Signed), states);
        AssertAtMost(with);
        Assert.True(with.Count == without.Count, $"Without {without}{Environment.NewLine}With {with}");
    }

    [Fact]
    public async Task SignOperation_RetryOfACompletedSignatureWithItsKey_SignedInAtMostThree()
    {
        var (operation, code) = await OpenOperationAsync(Seed);
        var request = new SignOperationRequest { OperationId = operation.OperationId, Code = code };
        var key = WithKey("sign-retry").Headers!;
        await RecoveryApi.CallAsync(Api.Access.SignOperationAsync(request, new CallOptions(key, DateTime.UtcNow + RecoveryApi.Deadline)));
        var state = OperationState.Unspecified;

        var retry = await proxy.CountAsync(async () =>
            state = (await RecoveryApi.CallAsync(Api.Access.SignOperationAsync(request, new CallOptions(key, DateTime.UtcNow + RecoveryApi.Deadline)))).State);

        // The operation beside the claim, which finds the response stored under its condition; then the condition: the
        // credentials, and (their version moved on) the change's outcome. No try, no code, no commit.
        Assert.Equal(OperationState.Signed, state);
        AssertAtMost(retry);
    }

    [Fact]
    public async Task SignOperation_WrongCodeWithAnIdempotencyKey_AtMostThreeAndOnlyTheMarkersRemovalMore()
    {
        var (operation, code) = await OpenOperationAsync(Seed);
        var (other, otherCode) = await OpenOperationAsync(Maria);
        var request = new SignOperationRequest { OperationId = other.OperationId, Code = Other(otherCode) };

        var without = await proxy.CountAsync(() => RefusedAsync(() => Api.SignAsync(operation.OperationId, Other(code))));
        var with = await proxy.CountAsync(() => RefusedAsync(() => RecoveryApi.CallAsync(Api.Access.SignOperationAsync(request, WithKey("sign-wrong")))));

        // A refusal is not stored: the marker's removal after it is the one step more (as ConfirmRecovery's).
        AssertAtMost(with);
        Assert.True(with.Count == without.Count + 1, $"Without {without}{Environment.NewLine}With {with}");
    }

    [Fact]
    public async Task SignOperation_WrongCode_AtMostThree()
    {
        var (operation, code) = await OpenOperationAsync(Seed);

        // The operation, then the one script (take, code, settle) with the reads beside it.
        var trips = await proxy.CountAsync(() => RefusedAsync(() => Api.SignAsync(operation.OperationId, Other(code))));
        AssertAtMost(trips);
        Assert.True(trips.Count == 2, trips.ToString());
    }

    [Fact]
    public async Task SignOperation_RightTotpCode_AtMostThreeRoundTrips()
    {
        var enrolled = await ConfirmedAppAsync(Maria);
        var (operation, _) = await OpenOperationAsync(Maria);
        Time.Advance(TimeSpan.FromSeconds(30));
        var state = OperationState.Unspecified;

        var trips = await proxy.CountAsync(async () => state = (await Api.SignAsync(operation.OperationId, TotpNow(enrolled))).State);

        // The operation; the try taken beside the reads (the step that would evaluate an SMS code leaves an app code to the
        // server, which alone can check it); the app's time step used, the unit given back and the SMS challenge ended in
        // one script of the customer's slot, with the e-mail held and the commit guarded by that step's mark behind it.
        Assert.Equal(OperationState.Signed, state);
        AssertAtMost(trips);
    }

    [Fact]
    public async Task SignOperation_WrongCodeWithAnAppEnrolled_AtMostThree()
    {
        await ConfirmedAppAsync(Maria);
        var (operation, code) = await OpenOperationAsync(Maria);

        // The operation; the try taken beside the reads; the code (no time step of the app) tried as the SMS code, settled.
        AssertAtMost(await proxy.CountAsync(async () =>
            (await RefusedAsync(() => Api.SignAsync(operation.OperationId, Other(code)))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT")));
    }

    [Fact]
    public async Task SignOperation_RightSmsCodeWithAnAppEnrolled_AtMostThree()
    {
        await ConfirmedAppAsync(Maria);
        var (operation, code) = await OpenOperationAsync(Maria);
        var state = OperationState.Unspecified;

        // As without an app: the operation; the one script (take, the right SMS code of a usable challenge, settle) beside the
        // reads; the commit with the e-mail held.
        var trips = await proxy.CountAsync(async () => state = (await Api.SignAsync(operation.OperationId, code)).State);

        Assert.Equal(OperationState.Signed, state);
        AssertAtMost(trips);
    }

    [Fact]
    public async Task SignOperation_ReplayedTotpCode_AtMostThree()
    {
        var enrolled = await ConfirmedAppAsync(Maria);
        var (operation, _) = await OpenOperationAsync(Maria);
        var confirmCode = TotpNow(enrolled); // the step the confirmation used, still inside the window

        AssertAtMost(await proxy.CountAsync(async () =>
            (await RefusedAsync(() => Api.SignAsync(operation.OperationId, confirmCode))).Is(StatusCode.FailedPrecondition, "CODE_ALREADY_USED")));
    }

    [Fact]
    public async Task SignOperation_TheWrongCodeThatFillsTheBudgetAndTheNextCode_AtMostThree()
    {
        var otp = Factory.Services.GetRequiredService<IOptions<OtpOptions>>().Value;
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);
        // A burned code evaluates no more tries: the next wrong code goes to a new operation.
        var perOperation = Math.Min(otp.MaxAttemptsPerCode, otp.MaxFailuresPerChallenge);
        var current = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var onCurrent = 0;
        for (var wrong = 1; wrong < otp.MaxWrongSigningCodes; wrong++)
        {
            if (onCurrent == perOperation)
            {
                current = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
                onCurrent = 0;
            }

            onCurrent++;
            await RefusedAsync(() => Api.SignAsync(current.Operation.OperationId, Other(current.Code)));
        }

        if (onCurrent == perOperation)
        {
            current = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        }

        var filling = await proxy.CountAsync(async () =>
            (await RefusedAsync(() => Api.SignAsync(current.Operation.OperationId, Other(current.Code)))).Is(StatusCode.FailedPrecondition, "OPERATION_BLOCKED"));
        var next = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var spent = await proxy.CountAsync(async () =>
            (await RefusedAsync(() => Api.SignAsync(next.Operation.OperationId, next.Code))).Is(StatusCode.FailedPrecondition, "OPERATION_BLOCKED"));

        // The operation, then the one script with the reads beside it: the wrong code that fills the budget ends the
        // operation there (its code closed, its state Expired), and so does a take refused by a full budget.
        AssertAtMost(filling);
        AssertAtMost(spent);
        Assert.True(filling.Count == 2 && spent.Count == 2, $"Filling {filling}{Environment.NewLine}Spent {spent}");
    }

    [Fact]
    public async Task CancelOperation_PendingOperation_AtMostThree()
    {
        var (operation, _) = await OpenOperationAsync(Seed);

        AssertAtMost(await proxy.CountAsync(() => Api.CancelAsync(operation.OperationId)));
    }

    [Fact]
    public async Task CancelOperation_WithAnIdempotencyKey_AtMostThreeAndTheSameTripsAsWithout()
    {
        var (operation, _) = await OpenOperationAsync(Seed);
        var (other, _) = await OpenOperationAsync(Maria);
        var headers = new Metadata { { "x-idempotency-key", "cancel-op-" + Guid.NewGuid().ToString("N") } };
        var request = new CancelOperationRequest { OperationId = other.OperationId };

        var without = await proxy.CountAsync(() => Api.CancelAsync(operation.OperationId));
        var with = await proxy.CountAsync(() => RecoveryApi.CallAsync(Api.Access.CancelOperationAsync(request, new CallOptions(headers, DateTime.UtcNow + RecoveryApi.Deadline))));

        // The claim rides the operation's read (the code is closed only once it answered), the response the reference's
        // release after the close-and-cancel.
        AssertAtMost(with);
        Assert.True(with.Count == without.Count, $"Without {without}{Environment.NewLine}With {with}");
    }

    [Fact]
    public async Task EnrollAuthenticator_WithASession_AtMostThree()
    {
        var session = await SessionAsync(Maria);

        AssertAtMost(await proxy.CountAsync(() => Api.EnrollAuthenticatorAsync(session)));
    }

    [Fact]
    public async Task EnrollAuthenticator_WithinTheCooldown_AtMostThree()
    {
        var session = await SessionAsync(Maria);
        await Api.EnrollAuthenticatorAsync(session);

        AssertAtMost(await proxy.CountAsync(async () =>
            (await RefusedAsync(() => Api.EnrollAuthenticatorAsync(session))).Is(StatusCode.ResourceExhausted, "RESEND_TOO_SOON")));
    }

    [Fact]
    public async Task ConfirmAuthenticator_RightCodes_AtMostThree()
    {
        var (session, appCode, smsCode) = await EnrolledAsync();

        // The session, then its customer with the enrolment, then the e-mail held beside the SMS code's step (whose
        // script records the change and announces it, so that no release follows).
        AssertAtMost(await proxy.CountAsync(() => Api.ConfirmAuthenticatorAsync(session, appCode, smsCode)));
    }

    [Fact]
    public async Task ConfirmAuthenticator_WrongSmsCodeOrWrongAppCode_AtMostThree()
    {
        var (session, appCode, smsCode) = await EnrolledAsync();

        AssertAtMost(await proxy.CountAsync(async () =>
            (await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, appCode, Other(smsCode)))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT")));
        AssertAtMost(await proxy.CountAsync(async () =>
            (await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, Other(appCode), smsCode))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT")));
    }

    // Directory service.

    [Fact]
    public async Task UpsertCustomer_NewCustomer_AtMostThree()
    {
        await WarmUpAsync();

        AssertAtMost(await proxy.CountAsync(() => RecoveryApi.CallAsync(Directory.UpsertCustomerAsync(new UpsertCustomerRequest { Customer = SyntheticCustomer.Make(1) }, Admin()))));
    }

    [Fact]
    public async Task GetCustomerStatus_KnownOrUnknownUserCode_AtMostThree()
    {
        await WarmUpAsync();

        AssertAtMost(await proxy.CountAsync(() => RecoveryApi.CallAsync(Directory.GetCustomerStatusAsync(new GetCustomerStatusRequest { UserCode = Maria.UserCode }, Admin()))));
        AssertAtMost(await proxy.CountAsync(() => RefusedAsync(() => RecoveryApi.CallAsync(Directory.GetCustomerStatusAsync(new GetCustomerStatusRequest { UserCode = "99999999" }, Admin())))));
    }

    [Fact]
    public async Task ImportCustomers_ThreeCustomers_AtMostThreePerCustomer()
    {
        await WarmUpAsync();

        // A stream: each message is one customer's add (its existence check, its index claims, its write).
        AssertAtMost(await proxy.CountAsync(async () =>
        {
            using var call = Directory.ImportCustomers(Admin());
            for (var n = 11; n <= 13; n++)
            {
                await call.RequestStream.WriteAsync(new ImportCustomersRequest { Customer = SyntheticCustomer.Make(n) }).WaitAsync(RecoveryApi.Timeout);
            }

            await call.RequestStream.CompleteAsync().WaitAsync(RecoveryApi.Timeout);
            Assert.Equal(3, (await call.ResponseAsync.WaitAsync(RecoveryApi.Timeout)).Imported);
        }), 3 * MaxTrips);
    }

    /// <summary>The published development tokens of appsettings.Development.json.</summary>
    private const string CallCentreToken = "REVWRUxPUE1FTlQtY2FsbC1jZW50cmUtdG9rZW4tbm90LWEtc2VjcmV0LTAx";

    private CallCentreService.CallCentreServiceClient Agent => new(Api.Channel);

    private DirectoryService.DirectoryServiceClient Directory => new(Api.Channel);

    private static CallOptions AgentOptions() =>
        new(new Metadata { { "authorization", "Bearer " + CallCentreToken }, { "x-agent-id", "agente.0042" } }, DateTime.UtcNow + RecoveryApi.Deadline);

    private static CallOptions Admin() =>
        new(new Metadata { { "authorization", "Bearer " + SyntheticCustomer.DevAdminToken } }, DateTime.UtcNow + RecoveryApi.Deadline);

    private static CallOptions WithKey(string prefix) =>
        new(new Metadata { { "x-idempotency-key", prefix + "-" + Guid.NewGuid().ToString("N") } }, DateTime.UtcNow + RecoveryApi.Deadline);

    private static void AssertAtMost(RoundTrips trips, int max = MaxTrips) => Assert.True(trips.Count <= max, trips.ToString());

    // The same steps with the same commands in each (a script sent whole the first time, by its digest afterwards, is
    // the same command): the count and kind of round trips tell nothing.
    private static void AssertSameTrips(RoundTrips expected, RoundTrips actual) =>
        Assert.True(Shape(expected).SequenceEqual(Shape(actual)), $"Expected {expected}{Environment.NewLine}Actual {actual}");

    private static IEnumerable<string> Shape(RoundTrips trips) =>
        trips.Steps.Select(s => string.Join(",", s.Select(c => c.Split(' ')[1].Replace("EVALSHA", "EVAL", StringComparison.Ordinal)).Order(StringComparer.Ordinal)));

    // A first call connects the store and loads its scripts, so that the measured call pays only for itself.
    private Task<EvaluatePasswordResponse> WarmUpAsync() => Api.EvaluateAsync(DemoCustomer.NewPassword);

    private Task<IssueOperationCodeByVoiceResponse> IssueByVoiceAsync(string reference, string card, string expiry) =>
        RecoveryApi.CallAsync(Agent.IssueOperationCodeByVoiceAsync(
            new IssueOperationCodeByVoiceRequest { Reference = reference, CardNumber = card, CardExpiry = expiry }, AgentOptions()));

    // Three wrong codes burn a code; a resend brings a new one, and the card's budget (five) fills on the fifth.
    private async Task WrongCodesAsync(string recoveryId, int count)
    {
        for (var i = 0; i < count; i++)
        {
            // "000000" is wrong for a real recovery but once in a million draws.
            await RefusedAsync(() => Api.ConfirmAsync(recoveryId, i < 3 ? "000000" : "000001"));
            if (i == 2)
            {
                Time.Advance(TimeSpan.FromSeconds(30));
                await Api.ResendAsync(recoveryId);
            }
        }
    }

    private async Task<(Operation Operation, string Code)> OpenOperationAsync(DemoCustomer customer)
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(customer);
        return await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
    }

    // Maria's session, enrolled: the current code of the new app and the SMS code sent for it.
    private async Task<(string Session, string AppCode, string SmsCode)> EnrolledAsync()
    {
        var session = await SessionAsync(Maria);
        var mark = Outbox.Count;
        var enrolled = await Api.EnrollAuthenticatorAsync(session);
        var smsCode = Outbox.Single(mark, NotificationTemplates.AuthenticatorCode).Values[CodeKey];
        return (session, new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(enrolled.Secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime), smsCode);
    }

    /// <summary>The customer's authenticator app, enrolled and confirmed (with the time step of now used).</summary>
    private async Task<EnrollAuthenticatorResponse> ConfirmedAppAsync(DemoCustomer customer)
    {
        var session = await SessionAsync(customer);
        var mark = Outbox.Count;
        var enrolled = await Api.EnrollAuthenticatorAsync(session);
        var smsCode = Outbox.Single(mark, NotificationTemplates.AuthenticatorCode).Values[CodeKey];
        await Api.ConfirmAuthenticatorAsync(session, TotpNow(enrolled), smsCode);
        return enrolled;
    }

    // Otp.NET's own TOTP plays the customer's app.
    private string TotpNow(EnrollAuthenticatorResponse enrolled) =>
        new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(enrolled.Secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime);

    private async Task<string> SessionAsync(DemoCustomer customer)
    {
        var login = await Api.LoginAsync(customer.UserCode, customer.InitialPassword);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, login.ResultCase);
        return login.Session.Token;
    }
}
