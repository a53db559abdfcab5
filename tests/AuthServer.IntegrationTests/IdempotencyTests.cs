using Grpc.Core;
using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Retried calls with <c>x-idempotency-key</c>, through a real channel: a retry gets the first answer and
/// sends and changes nothing; a failure is not remembered; the key is checked and bound to its request.
/// Run once per storage provider by the sealed subclasses.
/// </summary>
public abstract class IdempotencyTests : IntegrationTest
{
    private const string Key = "retry-key_0001";

    // Two recoveries per card an hour, so that a retry charged like a call would show (the other limits stay raised).
    private const int PerCardLimit = 2;

    // What the server's idempotency store does, with its removals dropped when a test says so (a server that dies
    // between a call's failure and the removal of its marker).
    private readonly LosableRemovals removals;

    private protected IdempotencyTests(ServerOptions? options = null)
        : this(options, new LosableRemovals())
    {
    }

    private IdempotencyTests(ServerOptions? options, LosableRemovals removals)
        : base((options ?? ServerOptions.Default) with
        {
            Settings = new Dictionary<string, string>(options?.Settings ?? new Dictionary<string, string>())
            {
                ["RateLimits:PerCard:Limit"] = PerCardLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            Services = services =>
            {
                options?.Services?.Invoke(services);
                RecoveryServerFactory.Decorate<IIdempotencyStore>(services, (inner, _) => removals.Around(inner));
            },
        }) =>
        this.removals = removals;

    [Fact]
    public async Task StartRecovery_SameKeyTwice_SameRecoveryIdAndOneSms()
    {
        var request = StartRequest(DemoCustomer.Maria);

        var first = await CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key)));
        var retry = await CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key)));

        Assert.Equal(first, retry);
        Assert.Single(Outbox.All, n => n.Template == NotificationTemplates.RecoveryCode);
    }

    [Fact]
    public async Task StartRecovery_RetriedAfterCompletion_StoredResponseAndNoSecondRateLimitCharge()
    {
        var request = StartRequest(DemoCustomer.Maria);
        var first = await CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key)));
        var audited = Audit.Events.Count;

        for (var i = 0; i < PerCardLimit + 1; i++)
        {
            Assert.Equal(first, await CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key))));
        }

        Assert.Single(Outbox.All, n => n.Template == NotificationTemplates.RecoveryCode);
        Assert.Equal(audited, Audit.Events.Count);

        // The retries charged the card nothing: one more recovery fits, and the one after it is the card's limit.
        await Api.StartAsync(DemoCustomer.Maria);
        (await RefusedAsync(() => Api.StartAsync(DemoCustomer.Maria))).Is(StatusCode.ResourceExhausted, "RATE_LIMITED");
    }

    [Fact]
    public async Task StartRecovery_ParallelCallsWithOneKey_OneSmsAndEveryAnswerTheFirstOrInProgress()
    {
        var request = StartRequest(DemoCustomer.Maria);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => AnswerAsync(() => CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key))))));

        // The claim is one atomic step of the store: exactly one call owns the key and runs; the others get its stored
        // response or, while it still runs, ABORTED IDEMPOTENT_CALL_IN_PROGRESS; none charges, writes or sends.
        var responses = answers.Where(a => a.Response is not null).Select(a => a.Response!).ToList();
        Assert.NotEmpty(responses);
        Assert.Single(responses.Distinct());
        Assert.All(answers.Where(a => a.Error is not null), a => a.Error!.Is(StatusCode.Aborted, "IDEMPOTENT_CALL_IN_PROGRESS"));
        Assert.Single(Outbox.All, n => n.Template == NotificationTemplates.RecoveryCode);
        Assert.Single(Audit.Of("recovery.start"));
        var retry = await CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key)));
        Assert.Equal(responses[0], retry);
    }

    [Fact]
    public async Task StartRecovery_RefusedCallRetriedWithSameKey_RunsAgainOnceAllowed()
    {
        for (var i = 0; i < PerCardLimit; i++)
        {
            await Api.StartAsync(DemoCustomer.Maria);
        }

        var request = StartRequest(DemoCustomer.Maria);
        var mark = Outbox.Count;
        var limited = await RefusedAsync(() => CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key))));
        limited.Is(StatusCode.ResourceExhausted, "RATE_LIMITED");
        Assert.Empty(Outbox.Since(mark));

        // A refusal is not remembered: once the limit allows it, the retry under the same key runs and sends one code.
        Time.Advance(limited.RetryDelay!.Value);
        var started = await CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key)));

        Assert.Single(Outbox.Since(mark), n => n.Template == NotificationTemplates.RecoveryCode);
        Assert.Equal(started, await CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key))));
    }

    [Fact]
    public async Task ResendRecoveryCode_RetriedWithKey_SameResponseOneSmsAndOneResendSpent()
    {
        var (started, _) = await StartAsync(DemoCustomer.Maria);
        Time.Advance(TimeSpan.FromSeconds(30));
        var request = new ResendRecoveryCodeRequest { RecoveryId = started.RecoveryId };
        var mark = Outbox.Count;

        var first = await CallAsync(Api.Recovery.ResendRecoveryCodeAsync(request, With(Key)));
        var retry = await CallAsync(Api.Recovery.ResendRecoveryCodeAsync(request, With(Key)));

        Assert.Equal(first, retry);
        Assert.Single(Outbox.Since(mark), n => n.Template == NotificationTemplates.RecoveryCode);

        // The retry reissued nothing: the next resend is the second one.
        Time.Advance(TimeSpan.FromSeconds(60));
        var next = await Api.ResendAsync(started.RecoveryId);
        Assert.Equal(first.ResendsRemaining - 1, next.ResendsRemaining);
    }

    [Fact]
    public async Task ResendOperationCode_RetriedWithKey_SameResponseAndOneSms()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, _) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        Time.Advance(TimeSpan.FromSeconds(30));
        var request = new ResendOperationCodeRequest { OperationId = operation.OperationId };
        var mark = Outbox.Count;

        var first = await CallAsync(Api.Access.ResendOperationCodeAsync(request, With(Key)));
        var retry = await CallAsync(Api.Access.ResendOperationCodeAsync(request, With(Key)));

        Assert.Equal(first, retry);
        Assert.Single(Outbox.Since(mark));
    }

    [Fact]
    public async Task ChangePassword_RetriedWithKey_SameOperationOneSmsAndNoSecondHash()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var request = ChangeRequest(ticket, temporary);
        var mark = Outbox.Count;

        var first = await CallAsync(Api.Access.ChangePasswordAsync(request, With(Key)));
        var audited = Audit.Of("access.change_password").Count;
        var retry = await CallAsync(Api.Access.ChangePasswordAsync(request, With(Key)));

        // The stored response: the same operation, and the retry opened, hashed, audited and sent nothing.
        Assert.Equal(first, retry);
        Assert.Single(Outbox.Since(mark));
        Assert.Equal(audited, Audit.Of("access.change_password").Count);

        // The one operation the first call opened is the one that signs.
        var code = Outbox.Single(mark, NotificationTemplates.OperationCode).Values[CodeKey];
        Assert.Equal(OperationState.Signed, (await Api.SignAsync(first.Operation.OperationId, code)).State);
    }

    [Fact]
    public async Task ChangePassword_ParallelCallsWithOneKey_OneOperationAndOneSms()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var request = ChangeRequest(ticket, temporary);
        var mark = Outbox.Count;

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => AnswerAsync(() => CallAsync(Api.Access.ChangePasswordAsync(request, With(Key))))));

        // One call owns the key and opens the operation; the others get its stored response or, while it runs, in progress.
        var responses = answers.Where(a => a.Response is not null).Select(a => a.Response!).ToList();
        Assert.NotEmpty(responses);
        Assert.Single(responses.Distinct());
        Assert.All(answers.Where(a => a.Error is not null), a => a.Error!.Is(StatusCode.Aborted, "IDEMPOTENT_CALL_IN_PROGRESS"));
        Assert.Single(Outbox.Since(mark));
        Assert.Single(Audit.Of("access.change_password"), e => e.Outcome == "operation_opened");
        Assert.Equal(responses[0], await CallAsync(Api.Access.ChangePasswordAsync(request, With(Key))));
    }

    [Fact]
    public async Task CancelOperation_RetriedAfterCompletion_StoredResponseAndNothingChanged()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, _) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var request = new CancelOperationRequest { OperationId = operation.OperationId };
        var first = await RetriedAfterCompletionAsync(options => Api.Access.CancelOperationAsync(request, options));

        Assert.Equal(OperationState.Cancelled, first.State);

        // Without the key the same body is a new call, and the operation is no longer pending.
        (await RefusedAsync(() => Api.CancelAsync(operation.OperationId))).Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
    }

    [Fact]
    public async Task CancelOperation_ParallelCallsWithOneKey_OneCancelAndEveryAnswerTheFirstOrInProgress()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, _) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var request = new CancelOperationRequest { OperationId = operation.OperationId };
        var mark = Outbox.Count;

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => AnswerAsync(() => CallAsync(Api.Access.CancelOperationAsync(request, With(Key))))));

        // One call owns the key and cancels; the others get its stored response or, while it runs, in progress: none of
        // them closes the code or records a cancel of its own.
        var responses = answers.Where(a => a.Response is not null).Select(a => a.Response!).ToList();
        Assert.NotEmpty(responses);
        Assert.All(responses, r => Assert.Equal(OperationState.Cancelled, r.State));
        Assert.All(answers.Where(a => a.Error is not null), a => a.Error!.Is(StatusCode.Aborted, "IDEMPOTENT_CALL_IN_PROGRESS"));
        Assert.Single(Audit.Of("access.cancel"));
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(responses[0], await CallAsync(Api.Access.CancelOperationAsync(request, With(Key))));
    }

    [Fact]
    public async Task SignOperation_ParallelCallsWithOneKey_OneSignatureAndEveryAnswerSignedOrInProgress()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var request = new SignOperationRequest { OperationId = operation.OperationId, Code = code };

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => AnswerAsync(() => CallAsync(Api.Access.SignOperationAsync(request, With(Key))))));

        // One call owns the key and signs; the others get its stored state or, while it runs, in progress: none of them
        // took a try or was answered "not pending" by the operation the owner signed.
        Assert.All(answers.Where(a => a.Response is not null), a => Assert.Equal(OperationState.Signed, a.Response!.State));
        Assert.All(answers.Where(a => a.Error is not null), a => a.Error!.Is(StatusCode.Aborted, "IDEMPOTENT_CALL_IN_PROGRESS"));
        Assert.Single(Audit.Of("access.sign"));
        Assert.Equal(OperationState.Signed, (await CallAsync(Api.Access.SignOperationAsync(request, With(Key)))).State);
        Assert.Single(Outbox.All, n => n.Template == NotificationTemplates.PasswordChanged);
    }

    [Fact]
    public async Task SignOperation_RetryOfAStaleSignature_NeverSignedAndRunsAgain()
    {
        var (request, mark) = await StaleSignatureAsync();

        // The response rode the commit under its condition; the commit was stale, so the call failed and its marker went.
        var first = await RefusedAsync(() => CallAsync(Api.Access.SignOperationAsync(request, With(Key))));
        var retry = await RefusedAsync(() => CallAsync(Api.Access.SignOperationAsync(request, With(Key))));

        first.Is(StatusCode.FailedPrecondition, "OPERATION_STALE");
        retry.Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
        Assert.NotEqual("SIGNED", retry.Metadata["state"]);
        Assert.Equal(["password_changed", "stale"], Audit.Of("access.sign").Select(e => e.Outcome));
        Assert.Empty(Outbox.Since(mark));
        await AssertLoginRefusedAsync(DemoCustomer.Seed, DemoCustomer.OtherNewPassword);
    }

    [Fact]
    public async Task SignOperation_StaleSignatureWhoseMarkerRemovalIsLost_RetryInProgressNeverSigned()
    {
        var (request, mark) = await StaleSignatureAsync();
        removals.Lost = true;

        // The server "dies" between the stale commit and the removal of the marker, which keeps the Signed response stored
        // beside the commit under the condition that the operation's change applied: it did not, so a retry is never
        // answered Signed; it is told the call is in progress (as for any call that died running) and runs nothing.
        (await RefusedAsync(() => CallAsync(Api.Access.SignOperationAsync(request, With(Key))))).Is(StatusCode.FailedPrecondition, "OPERATION_STALE");
        var audited = Audit.Events.Count;
        var retries = new[]
        {
            await RefusedAsync(() => CallAsync(Api.Access.SignOperationAsync(request, With(Key)))),
            await RefusedAsync(() => CallAsync(Api.Access.SignOperationAsync(request, With(Key)))),
        };

        Assert.All(retries, r => r.Is(StatusCode.Aborted, "IDEMPOTENT_CALL_IN_PROGRESS"));
        Assert.Equal(1, removals.Dropped);
        Assert.Equal(audited, Audit.Events.Count);
        Assert.Empty(Outbox.Since(mark));
        await AssertLoginRefusedAsync(DemoCustomer.Seed, DemoCustomer.OtherNewPassword);
    }

    [Fact]
    public async Task StartRecovery_SameKeyOtherChannel_RunsAgain()
    {
        var request = StartRequest(DemoCustomer.Maria);

        var web = await CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key, "web")));
        var mobile = await CallAsync(Api.Recovery.StartRecoveryAsync(request, With(Key, "mobile")));

        Assert.NotEqual(web.RecoveryId, mobile.RecoveryId);
        Assert.Equal(2, Outbox.All.Count(n => n.Template == NotificationTemplates.RecoveryCode));
    }

    [Fact]
    public async Task StartRecovery_SameKeyOtherCard_IdempotencyKeyReusedAndNothingSent()
    {
        await CallAsync(Api.Recovery.StartRecoveryAsync(StartRequest(DemoCustomer.Maria), With(Key)));
        var mark = Outbox.Count;

        var error = await RefusedAsync(() => CallAsync(Api.Recovery.StartRecoveryAsync(StartRequest(DemoCustomer.John), With(Key))));

        error.Is(StatusCode.InvalidArgument, "IDEMPOTENCY_KEY_REUSED");
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", error.Violation("x-idempotency-key").Reason);
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task SignOperation_RetriedWithKey_SameResponseAndNoSecondCommit()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (operation, code) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var request = new SignOperationRequest { OperationId = operation.OperationId, Code = code };
        var first = await RetriedAfterCompletionAsync(options => Api.Access.SignOperationAsync(request, options));

        // One signature, the first call's: the retry took no try, evaluated no code and committed nothing.
        Assert.Equal(OperationState.Signed, first.State);
        Assert.Equal("password_changed", Assert.Single(Audit.Of("access.sign")).Outcome);

        // Without the key the same body is a new call, and the operation is no longer pending.
        (await RefusedAsync(() => Api.SignAsync(operation.OperationId, code))).Is(StatusCode.FailedPrecondition, "OPERATION_NOT_PENDING");
    }

    [Fact]
    public async Task ConfirmRecovery_RetriedAfterCompletion_StoredResponseAndNothingSentOrRestored()
    {
        var (started, code) = await StartAsync(DemoCustomer.Maria);
        var request = new ConfirmRecoveryRequest { RecoveryId = started.RecoveryId, Code = code };
        // The stored response: no second temporary password, no message, nothing audited.
        await RetriedAfterCompletionAsync(options => Api.Recovery.ConfirmRecoveryAsync(request, options));

        // Without the key the same body is a new call, and the recovery's code is spent.
        Assert.NotEqual(StatusCode.OK, (await RefusedAsync(() => Api.ConfirmAsync(started.RecoveryId, code))).StatusCode);
    }

    [Fact]
    public async Task ConfirmRecovery_ParallelCallsWithOneKey_OneRestoreAndTwoMessages()
    {
        var (started, code) = await StartAsync(DemoCustomer.Maria);
        var request = new ConfirmRecoveryRequest { RecoveryId = started.RecoveryId, Code = code };
        var mark = Outbox.Count;

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => AnswerAsync(() => CallAsync(Api.Recovery.ConfirmRecoveryAsync(request, With(Key))))));

        // One call owns the key, takes the try and restores; the others get its stored response or, while it runs, in
        // progress: none takes a try of its own.
        var responses = answers.Where(a => a.Response is not null).Select(a => a.Response!).ToList();
        Assert.NotEmpty(responses);
        Assert.Single(responses.Distinct());
        Assert.All(answers.Where(a => a.Error is not null), a => a.Error!.Is(StatusCode.Aborted, "IDEMPOTENT_CALL_IN_PROGRESS"));
        Assert.Single(Audit.Of("recovery.confirm"));
        Assert.Equal(2, Outbox.Since(mark).Count);
        Assert.Equal(responses[0], await CallAsync(Api.Recovery.ConfirmRecoveryAsync(request, With(Key))));
    }

    [Fact]
    public async Task ConfirmRecovery_FailedCallRetriedWithSameKeyAndBody_RunsAgain()
    {
        var (started, code) = await StartAsync(DemoCustomer.Maria);
        var wrong = new ConfirmRecoveryRequest { RecoveryId = started.RecoveryId, Code = Other(code) };
        var mark = Outbox.Count;

        var first = await RefusedAsync(() => CallAsync(Api.Recovery.ConfirmRecoveryAsync(wrong, With(Key))));
        var retry = await RefusedAsync(() => CallAsync(Api.Recovery.ConfirmRecoveryAsync(wrong, With(Key))));

        // Not a replay of the first answer: the retry was evaluated and counted.
        first.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        retry.Is(StatusCode.InvalidArgument, "CODE_INCORRECT");
        Assert.Equal(("2", "1"), (first.Metadata["attempts_remaining"], retry.Metadata["attempts_remaining"]));
        Assert.Empty(Outbox.Since(mark));

        // The right code under a new key confirms.
        await CallAsync(Api.Recovery.ConfirmRecoveryAsync(new ConfirmRecoveryRequest { RecoveryId = started.RecoveryId, Code = code }, With("retry-key_0002")));
    }

    [Theory]
    [InlineData("short12")]
    [InlineData("has space-1234")]
    [InlineData("dots.are.not.allowed")]
    [InlineData("k1234567890123456789012345678901234567890123456789012345678901234")] // 65
    public async Task StartRecovery_MalformedKey_InvalidArgumentAndNothingSent(string key)
    {
        var error = await RefusedAsync(() => CallAsync(Api.Recovery.StartRecoveryAsync(StartRequest(DemoCustomer.Maria), With(key))));

        error.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal("MALFORMED", error.Violation("x-idempotency-key").Reason);
        Assert.Empty(Outbox.All);
    }

    [Fact]
    public async Task Login_WithKey_HeaderIgnoredAndNothingReplayed()
    {
        var request = new LoginRequest { UserCode = DemoCustomer.Maria.UserCode, Password = DemoCustomer.Maria.InitialPassword };

        var first = await CallAsync(Api.Access.LoginAsync(request, With(Key)));
        var second = await CallAsync(Api.Access.LoginAsync(request, With(Key)));
        var malformed = await CallAsync(Api.Access.LoginAsync(request, With("bad")));

        // Each login got a session of its own: no token was stored to be replayed.
        Assert.Equal(3, new[] { first, second, malformed }.Select(r => r.Session.Token).Distinct().Count());
    }

    private static async Task<(T? Response, RpcError? Error)> AnswerAsync<T>(Func<Task<T>> call)
        where T : class
    {
        var answer = call();
        try
        {
            return (await answer, null);
        }
        catch (RpcException)
        {
            return (null, await RpcError.FromAsync(() => answer));
        }
    }

    private static ChangePasswordRequest ChangeRequest(string ticket, string temporary) => new()
    {
        ChangeTicket = ticket,
        CurrentPassword = temporary,
        NewPassword = DemoCustomer.NewPassword,
        RepeatPassword = DemoCustomer.NewPassword,
    };

    private static StartRecoveryRequest StartRequest(DemoCustomer customer) => new()
    {
        CardNumber = customer.Card,
        CardExpiry = customer.Expiry,
        DocumentId = customer.Document,
        CaptchaToken = DemoCustomer.Captcha,
    };

    // Calls once with the key, then retries: the retry is answered the first call's stored response, and sends and
    // audits nothing. Returns that response.
    private async Task<T> RetriedAfterCompletionAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call)
    {
        var first = await CallAsync(call(With(Key)));
        var mark = Outbox.Count;
        var audited = Audit.Events.Count;

        var retry = await CallAsync(call(With(Key)));

        Assert.Equal(first, retry);
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(audited, Audit.Events.Count);
        return first;
    }

    // Seed with two operations opened to change his password, the first signed: the second's signature, whose request this
    // returns with the outbox's count after the first signed, is stale (the credentials it was opened on have moved on).
    private async Task<(SignOperationRequest Request, int Mark)> StaleSignatureAsync()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(DemoCustomer.Seed);
        var (a, codeA) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        var (b, codeB) = await OpenChangeAsync(ticket, temporary, DemoCustomer.OtherNewPassword);
        await Api.SignAsync(a.OperationId, codeA);
        return (new SignOperationRequest { OperationId = b.OperationId, Code = codeB }, Outbox.Count);
    }

    private static CallOptions With(string key, string channel = "web") =>
        new(new Metadata { { "x-idempotency-key", key }, { "x-channel", channel } }, DateTime.UtcNow + RecoveryApi.Deadline);

    private static Task<T> CallAsync<T>(AsyncUnaryCall<T> call) => RecoveryApi.CallAsync(call);

    // Passes every call to the server's store, except the removals while Lost is set: those are counted and dropped.
    private sealed class LosableRemovals
    {
        private int dropped;

        public bool Lost { get; set; }

        public int Dropped => Volatile.Read(ref dropped);

        public IIdempotencyStore Around(IIdempotencyStore inner) => new Store(inner, this);

        private sealed class Store(IIdempotencyStore inner, LosableRemovals owner) : IIdempotencyStore
        {
            public Task<IdempotencyBegin> TryBeginAsync(string scopeHash, string requestHash, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
                inner.TryBeginAsync(scopeHash, requestHash, now, ttl, cancellationToken);

            public Task CompleteAsync(string scopeHash, byte[] response, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken, string? condition = null) =>
                inner.CompleteAsync(scopeHash, response, now, ttl, cancellationToken, condition);

            public Task AbandonAsync(string scopeHash, CancellationToken cancellationToken)
            {
                if (!owner.Lost)
                {
                    return inner.AbandonAsync(scopeHash, cancellationToken);
                }

                Interlocked.Increment(ref owner.dropped);
                return Task.CompletedTask;
            }
        }
    }
}
