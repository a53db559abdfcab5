using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Sessions;
using Recovery.AuthServer.Storage;

namespace Recovery.AuthServer.Access;

/// <summary>Steps 4–6: first access, password change, signature of the change.</summary>
public sealed class AccessFlow(
    ICustomerStore customers,
    ISessionStore sessions,
    OperationLifecycle operations,
    OperationPasswordChange passwordChange,
    IPasswordHasher hasher,
    PasswordPolicy policy,
    WrongCodeBudget wrongCodes,
    AuthenticatorEngine authenticators,
    IOptions<OtpOptions> otpOptions,
    IOptions<AccessOptions> options,
    IRateLimiter rateLimiter,
    IOptions<LoginRateLimitOptions> loginLimits,
    INotificationOutbox outbox,
    NotificationTexts texts,
    IAuditLog audit,
    SecretKeys keys,
    IRandomSource random,
    TimeProvider time)
{
    // Longer than any call can take to reach its verify's end (the gate refuses work it cannot finish within
    // the deadline): a try still under way after this counts as a failure, since its node must have died.
    private static readonly TimeSpan LoginTryLease = TimeSpan.FromMinutes(2);

    private readonly Lazy<Task<string>> dummyHash = new(() => Task.FromResult(hasher.CreateDecoyHash()));

    public async Task<Outcome<LoginResult>> LoginAsync(string userCode, string password, CallerContext caller, CancellationToken cancellationToken)
    {
        // Shed before anything is counted: under a burst, refused calls take no limit and no try. Asked at the paid
        // level, since what this login brings is not known before its credentials are read (and must not be told
        // by an early refusal): fresh work is refused at its verify, whose try goes back uncounted. A login with
        // the temporary password computes no hash at all, so it is only refused when even paid work would be.
        hasher.EnsureCapacity(HashPriority.Paid);
        var now = time.GetUtcNow();
        var userCodeHash = KeyedHash.ComputeHex(keys.CardLookupKey, "login:" + userCode.ToUpperInvariant());
        // The rate limits and the user-code index are sent together (one round trip); nothing is taken on the
        // user code's customer before the limits have allowed the call.
        var buckets = LoginBuckets(userCodeHash, caller);
        var limitedTask = ApplyLoginRateLimitsAsync(buckets, now, cancellationToken);
        var customerIdTask = customers.FindIdByUserCodeAsync(userCode, cancellationToken);
        await Task.WhenAll(limitedTask, customerIdTask);
        var limited = await limitedTask;
        if (limited is not null)
        {
            audit.Record(new AuditEvent("access.login", "rate_limited", caller.Channel, Detail: limited.Metadata["limit"]));
            return limited;
        }

        // An unknown user code keeps a counter too, under a keyed hash of the code, so that it answers exactly
        // as a real one does (INVALID_CREDENTIALS four times, then CREDENTIALS_BLOCKED): the answers do not
        // tell a stranger which user codes exist. The store reads the customer and takes the try in one step,
        // known or not (the same round trips either way).
        // The try is taken before the password is evaluated, atomically with the count, so parallel guesses
        // (on one node or many) evaluate at most MaxFailedLogins passwords.
        var tryId = Tokens.New(random);
        var lookup = await customers.BeginLoginByUserCodeAsync(
            await customerIdTask, userCode, LoginSubject.Unknown(userCodeHash, options.Value.UnknownUserCodeMemory), tryId, now, now + LoginTryLease,
            options.Value.MaxFailedLogins, cancellationToken);
        var (customer, credentials, subject, start) = lookup;
        if (start.Status != LoginTryStatus.Taken)
        {
            // Blocked (or every try already under way): the same answer whatever the password, right or wrong,
            // after the same work as any failed login (one verify), and nothing counted.
            try
            {
                await hasher.VerifyAsync(await dummyHash.Value, password, cancellationToken);
            }
            catch (Exception ex) when (HashingRefusals.IsRefusal(ex))
            {
                // Shed by the gate before any hashing, and no password was evaluated: the units go back (see below).
                await rateLimiter.RefundAsync(buckets, now, CancellationToken.None);
                throw;
            }

            audit.Record(new AuditEvent("access.login", start.Status == LoginTryStatus.Blocked ? "blocked" : "tries_under_way", caller.Channel, customer?.Id));
            return CredentialsBlocked();
        }

        var evaluated = new StrongBox<bool>();
        try
        {
            return await EvaluateLoginAsync(subject, tryId, start.FailedBefore, customer, credentials, password, caller, now, evaluated, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException || HashingRefusals.IsRefusal(ex))
        {
            // Nothing was evaluated, so the try goes back uncounted. Not cancellable; if the store cannot be
            // reached either, the try's lease runs out and it counts as a failure (fail closed).
            var release = customers.ReleaseLoginAsync(subject, tryId, CancellationToken.None);
            // A call shed by the gate before any password was evaluated also gives back the rate-limit units it took,
            // so that a customer who retries as RetryInfo advises is not answered RATE_LIMITED for calls that never ran.
            // Why this gives an attacker no extra guesses: the refund happens only when no password (nor temporary
            // password) was compared, so every evaluated guess stays counted. Not on a cancellation, whose verify may
            // have run: the limits also bound the hashing a caller can cause. Sent with the release: one round trip.
            var refund = HashingRefusals.IsRefusal(ex) && !evaluated.Value
                ? rateLimiter.RefundAsync(buckets, now, CancellationToken.None)
                : Task.CompletedTask;
            await Task.WhenAll(release, refund);
            throw;
        }
    }

    private async Task<Outcome<LoginResult>> EvaluateLoginAsync(
        LoginSubject subject, string tryId, int failedBefore, Customers.CustomerRecord? customer, CredentialRecord? credentials, string password,
        CallerContext caller, DateTimeOffset now, StrongBox<bool> evaluated, CancellationToken cancellationToken)
    {
        if (customer is null || credentials is null)
        {
            // Same Argon2 work as for a real customer, so the timing does not tell which user codes exist.
            await hasher.VerifyAsync(await dummyHash.Value, password, cancellationToken);
            return await FailLoginAsync(subject, tryId, null, caller);
        }

        var temporary = TemporaryPassword.Check(keys, credentials, password, now);
        if (temporary != TemporaryPasswordStatus.NotIssued)
        {
            // The temporary password was compared: a refusal from here on is no reason to give the limits back.
            evaluated.Value = true;
            // After a recovery only the temporary password opens anything, and only the change screen. It is
            // checked by HMAC; every failing answer still costs one verify, like any failed login.
            if (temporary == TemporaryPasswordStatus.Wrong)
            {
                try
                {
                    await hasher.VerifyAsync(await dummyHash.Value, password, cancellationToken);
                }
                catch (Exception ex) when (HashingRefusals.IsRefusal(ex))
                {
                    // The guess was compared (by HMAC) and is wrong, so it counts even though its cover verify was
                    // shed: the right temporary password needs no hash and is never shed, so a saturated gate would
                    // otherwise let wrong guesses go uncounted past the MaxFailedLogins block. The caller still sees
                    // the gate's refusal, as an unknown user code or a real verify refused here would answer.
                    await FailLoginAsync(subject, tryId, customer.Id, caller);
                    throw;
                }

                return await FailLoginAsync(subject, tryId, customer.Id, caller);
            }

            if (temporary == TemporaryPasswordStatus.Expired)
            {
                // The right (expired) temporary password is no wrong guess: its try goes back uncounted.
                await hasher.VerifyAsync(await dummyHash.Value, password, cancellationToken);
                await customers.ReleaseLoginAsync(subject, tryId, CancellationToken.None);
                audit.Record(new AuditEvent("access.login", "temporary_expired", caller.Channel, customer.Id));
                return TemporaryExpired();
            }

            var ticket = Tokens.New(random, 32);
            var record = new ChangeTicket
            {
                TokenHash = SessionTokens.TicketHash(keys, ticket),
                CustomerId = customer.Id,
                LastUsedAt = now,
                IdleTimeout = options.Value.ChangeTicketIdleTimeout,
                AbsoluteExpiresAt = now + options.Value.ChangeTicketMaxLifetime,
                CredentialVersion = credentials.Version,
            };
            if (!await SucceedTogetherAsync(
                customers.SucceedLoginAsync(customer.Id, tryId, failedBefore, null, credentials.Version, CancellationToken.None),
                sessions.CreateTicketAsync(record, cancellationToken),
                () => sessions.RevokeTicketAsync(record.TokenHash, CancellationToken.None)))
            {
                return BlockedMeanwhile(customer.Id, caller);
            }

            audit.Record(new AuditEvent("access.login", "change_required", caller.Channel, customer.Id));
            return new LoginResult.ChangeRequired(ticket, record.ExpiresAt, customer.DisplayName);
        }

        // A customer imported without a password verifies against the dummy hash, and a stored hash with a
        // retired pepper costs a verify in the hasher: every failed login costs the same one verify.
        var verification = await hasher.VerifyAsync(credentials.PasswordHash ?? await dummyHash.Value, password, cancellationToken, LoginPriority(credentials));
        // Verified: a refusal of the rehash after this is no reason to give the limits back.
        evaluated.Value = true;
        if (verification == PasswordVerification.Failed || credentials.PasswordHash is null)
        {
            return await FailLoginAsync(subject, tryId, customer.Id, caller);
        }

        var upgraded = verification == PasswordVerification.SuccessRehashNeeded ? await hasher.HashAsync(password, cancellationToken, LoginPriority(credentials)) : null;

        // The success is checked against the state in the same atomic step: credentials blocked while this
        // verify ran open no session.
        var token = Tokens.New(random, 32);
        var expiresAt = now + options.Value.SessionLifetime;
        var session = new SessionRecord(SessionTokens.SessionHash(keys, token), customer.Id, expiresAt) { CredentialVersion = credentials.Version };
        if (!await SucceedTogetherAsync(
            customers.SucceedLoginAsync(customer.Id, tryId, failedBefore, upgraded, credentials.Version, CancellationToken.None),
            sessions.CreateSessionAsync(session, cancellationToken),
            () => sessions.RevokeSessionAsync(session.TokenHash, CancellationToken.None)))
        {
            return BlockedMeanwhile(customer.Id, caller);
        }

        audit.Record(new AuditEvent("access.login", upgraded is null ? "session" : "session_rehashed", caller.Channel, customer.Id));
        return new LoginResult.SessionGranted(token, expiresAt);
    }

    /// <summary>
    /// Writes the session or ticket a login grants together with the success that grants it (one round trip, not
    /// two). A success refused (the credentials blocked while the verify ran) deletes what was written: its token
    /// was never handed out, so it opened nothing meanwhile, and the deletion only spares the store a dead record.
    /// </summary>
    private static async Task<bool> SucceedTogetherAsync(Task<bool> succeed, Task write, Func<Task> undoWrite)
    {
        await Task.WhenAll(succeed, write);
        if (await succeed)
        {
            return true;
        }

        await undoWrite();
        return false;
    }

    private async Task<Failure> FailLoginAsync(LoginSubject subject, string tryId, string? customerId, CallerContext caller)
    {
        // Not cancellable: a client that hangs up must not escape having its wrong guess counted.
        var failure = await customers.FailLoginAsync(subject, tryId, options.Value.MaxFailedLogins, CancellationToken.None);
        var outcome = customerId is null ? "unknown_user" : failure.JustBlocked ? "blocked_now" : "wrong_password";
        audit.Record(new AuditEvent("access.login", outcome, caller.Channel, customerId, Detail: failure.FailedLogins.ToString(CultureInfo.InvariantCulture)));
        return failure.Blocked ? CredentialsBlocked() : InvalidCredentials();
    }

    private Failure BlockedMeanwhile(string customerId, CallerContext caller)
    {
        audit.Record(new AuditEvent("access.login", "blocked", caller.Channel, customerId));
        return CredentialsBlocked();
    }

    private List<RateLimitKey> LoginBuckets(string userCodeHash, CallerContext caller)
    {
        var o = loginLimits.Value;
        var buckets = new List<RateLimitKey>
        {
            new("login:code:" + userCodeHash, o.PerUserCode),
            new("login:channel:" + caller.Channel, o.PerChannel),
        };
        if (caller.ClientAddress != CallerContext.Unknown.ClientAddress)
        {
            buckets.Add(new("login:addr:" + caller.ClientAddress, o.PerClientAddress));
        }

        return buckets;
    }

    private async Task<Failure?> ApplyLoginRateLimitsAsync(List<RateLimitKey> buckets, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var decision = await rateLimiter.TryAcquireAsync(buckets, now, cancellationToken);
        if (decision.Allowed)
        {
            return null;
        }

        return new Failure(FailureKind.ResourceExhausted, ErrorReasons.RateLimited, "Too many login attempts; try again later.")
        {
            RetryAfter = decision.RetryAfter,
            Metadata = new Dictionary<string, string> { ["limit"] = decision.LimitedKey!.Split(':')[1] },
        };
    }

    public async Task<Outcome<PasswordEvaluation>> EvaluateAsync(string password, string? ticket, CancellationToken cancellationToken)
    {
        var personal = PersonalData.None;
        if (!string.IsNullOrEmpty(ticket))
        {
            if (await CustomerOfTicketAsync(ticket, cancellationToken) is not { } holder)
            {
                return TicketInvalid();
            }

            personal = CustomerPersonalData.Of(holder.Customer);
        }

        return policy.Evaluate(password, personal);
    }

    public async Task<Outcome<OperationView>> ChangePasswordAsync(ChangePasswordCommand command, CancellationToken cancellationToken)
    {
        // A key's claim travels with the ticket's touch, and its answer is known before anything is reserved, counted,
        // hashed or sent: a retry of a change that completed (or still runs) gets its stored operation (or in progress)
        // and opens no second one. The touch beside it is no effect the key guards: it only keeps the ticket of the
        // caller who holds it alive, as any use of the ticket does (a retry without a key would touch it too).
        var idempotency = command.Idempotency;
        idempotency?.Send();
        var ticket = await sessions.TouchTicketAsync(SessionTokens.TicketHash(keys, command.Ticket), time.GetUtcNow(), cancellationToken);
        if (idempotency is not null && !await idempotency.OwnsKeyAsync())
        {
            return IdempotencyClaim.NotOwned;
        }

        if (ticket is null)
        {
            audit.Record(new AuditEvent("access.change_password", "ticket_invalid", command.Caller.Channel));
            return TicketInvalid();
        }

        // Three round trips on a remote store where there were four (RedisRoundTripTests): the operation's reference is
        // reserved beside the read of the customer, so that the operation, its code and the SMS that carries both go
        // together at the end. A live ticket is needed to reserve one, and every path that opens nothing gives it back
        // (the refusals below, with their own last step where they have one; a failure, after it).
        var reserving = operations.ReserveAsync(ticket.CustomerId, options.Value.OperationLifetime, cancellationToken);
        var holding = CustomerAtVersionAsync(ticket, cancellationToken);
        await Task.WhenAll(reserving, holding);
        var reservation = await reserving;
        var release = new ReleaseOnce(() => operations.ReleaseAsync(reservation));
        Outcome<OperationView> outcome;
        try
        {
            outcome = await ChangePasswordAsync(command, await holding, reservation, release, cancellationToken);
        }
        catch
        {
            await release.AfterFailureAsync();
            throw;
        }

        if (!outcome.IsSuccess)
        {
            await release.RunAsync();
        }

        return outcome;
    }

    private async Task<Outcome<OperationView>> ChangePasswordAsync(
        ChangePasswordCommand command, (Customers.CustomerRecord Customer, CredentialRecord Credentials)? holder, OperationReservation reservation,
        ReleaseOnce release, CancellationToken cancellationToken)
    {
        if (holder is null)
        {
            audit.Record(new AuditEvent("access.change_password", "ticket_invalid", command.Caller.Channel));
            return TicketInvalid();
        }

        var (customer, credentials) = holder.Value;

        outbox.EnsureRoomFor(1);

        // Shed before the policy checks: under a burst, refused calls must not eat the cores that the
        // admitted hashes need. A live ticket means an SMS code and a temporary password were spent on this
        // customer: the work is paid for, and goes ahead of fresh logins (docs/operations.md). It cannot be bought
        // cheaply: a ticket takes a card, its SMS code and the temporary password, and its tries are counted.
        hasher.EnsureCapacity(HashPriority.Paid);

        var now = time.GetUtcNow();
        if (!TemporaryPassword.InForce(credentials, now))
        {
            return TemporaryExpired();
        }

        if (!TemporaryPassword.Matches(keys, credentials, command.CurrentPassword))
        {
            // A failure that blocks the credentials also ends the ticket. When the count read with the credentials
            // says this failure will block, the revocation travels with it (one round trip, not two); only a
            // parallel call that moved the count meanwhile makes the prediction miss, and then the ticket is revoked
            // after the count (blocked) or was revoked early (the customer logs in again with the temporary password).
            // The reservation goes back in the same round trip.
            var ticketHash = SessionTokens.TicketHash(keys, command.Ticket);
            var blocking = credentials.FailedLogins + 1 >= options.Value.MaxFailedLogins;
            var counted = CountFailureAsync(customer.Id, command.Caller, "access.change_password");
            var revoked = blocking ? sessions.RevokeTicketAsync(ticketHash, cancellationToken) : Task.CompletedTask;
            await Task.WhenAll(counted, revoked, release.RunAsync());
            var failure = await counted;
            if (failure.Reason == ErrorReasons.CredentialsBlocked)
            {
                if (!blocking)
                {
                    await sessions.RevokeTicketAsync(ticketHash, cancellationToken);
                }

                return failure;
            }

            return Failure.Invalid("current_password", "The current password is not correct.", ErrorReasons.CurrentPasswordIncorrect);
        }

        var checkedHash = await CheckNewPasswordAsync(command, customer, credentials, cancellationToken);
        if (!checkedHash.IsSuccess)
        {
            var rejected = checkedHash.Failure;
            audit.Record(new AuditEvent("access.change_password", rejected.Reason.ToLowerInvariant(), command.Caller.Channel, customer.Id,
                Detail: rejected.Metadata.GetValueOrDefault("rules")));
            return rejected;
        }

        var pendingHash = checkedHash.Value;
        var language = LanguageFor(command, customer);
        var (operation, issued, stored) = await operations.OpenReservedPasswordChangeAsync(
            reservation, customer.Id, customer.Phone, credentials.Version, pendingHash, language, SessionTokens.TicketHash(keys, command.Ticket), cancellationToken);
        // The operation is opened from here on: a failure of these writes must not give its reference back.
        release.Disarm();
        var queued = outbox.EnqueueAsync(texts.OperationCodeSms(customer.Phone, issued.Code, operation.Description, operation.Reference, language), cancellationToken).AsTask();

        // A key's completion rides the operation's writes and its SMS, sent after them (as ResendOperationCodeAsync's).
        var view = new OperationView(operation.Id, operation.Reference, operation.Description, operation.PhoneLastDigits, issued.ExpiresAt, issued.ResendAvailableAt, operation.State);
        var completing = command.Idempotency?.CompleteBeside(view) ?? Task.CompletedTask;
        await Task.WhenAll(stored, queued);
        await completing;

        audit.Record(new AuditEvent("access.change_password", "operation_opened", command.Caller.Channel, customer.Id, operation.Reference));
        return view;
    }

    /// <param name="idempotency">The call's <c>x-idempotency-key</c> claim, which rides this flow's store steps; null without a key.</param>
    public async Task<Outcome<CodeResent>> ResendOperationCodeAsync(string operationId, CallerContext caller, IdempotencyRider<CodeResent>? idempotency, CancellationToken cancellationToken)
    {
        // A key's claim travels with the operation's read, and nothing is reissued or sent before its answer: a retry of
        // a resend that completed (or still runs) gets its stored response (or in progress).
        idempotency?.Send();

        // The reissue and the read of the customer's phone travel with the check that the operation is still
        // pending (a reissue of an operation whose change applied is refused by its used code).
        var pending = await operations.PendingWithAsync(
            operationId,
            async op =>
            {
                if (idempotency is not null && !await idempotency.OwnsKeyAsync())
                {
                    return (Owned: false, Reissue: default((ReissueResult, IssuedCode?)), Customer: (Customers.CustomerRecord?)null);
                }

                outbox.EnsureRoomFor(1);
                var reissue = operations.ReissueCodeAsync(op, cancellationToken);
                var customer = customers.GetAsync(op.CustomerId, cancellationToken);
                await Task.WhenAll(reissue, customer);
                return (Owned: true, Reissue: await reissue, Customer: await customer);
            },
            cancellationToken);
        if (!pending.IsSuccess)
        {
            return pending.Failure;
        }

        var (op, (owned, (result, issued), customer)) = pending.Value;
        if (!owned)
        {
            return IdempotencyClaim.NotOwned;
        }

        if (issued is null)
        {
            audit.Record(new AuditEvent("access.resend_operation_code", result.Status.ToString(), caller.Channel, op.CustomerId, op.Reference));
            return CodeOutcomes.ForReissue(result, time.GetUtcNow(), ErrorReasons.OperationNotPending);
        }

        if (customer is null)
        {
            throw new InvalidOperationException("The operation's customer is gone.");
        }

        var queued = outbox.EnqueueAsync(texts.OperationCodeSms(customer.Phone, issued.Code, op.Description, op.Reference, Languages.FromTag(op.Language)), cancellationToken).AsTask();

        // A key's completion rides the message's round trip, sent after it (as RecoveryFlow's).
        var resent = new CodeResent(issued.ExpiresAt, issued.ResendAvailableAt, issued.ResendsRemaining);
        var completing = idempotency?.CompleteBeside(resent);
        await queued;
        if (completing is not null)
        {
            await completing;
        }

        audit.Record(new AuditEvent("access.resend_operation_code", "code_sent", caller.Channel, op.CustomerId, op.Reference));
        return resent;
    }

    /// <param name="idempotency">The call's <c>x-idempotency-key</c> claim, which rides this flow's first store step; null without a key.</param>
    public async Task<Outcome<OperationState>> SignAsync(
        string operationId, string code, CallerContext caller, IdempotencyRider<OperationState>? idempotency, CancellationToken cancellationToken)
    {
        // A key's claim travels with the operation's read, and its answer is known before any try is taken, any code
        // evaluated or anything committed: a retry of a signature that completed (or still runs) gets its stored state (or
        // in progress) and spends no try. The response rides the commit's round trip (CommitWithResponseAsync), stored
        // under the condition that the operation's change applied: Signed is true only if the commit applied, which is
        // known once it has answered, and a stale commit must never be answered Signed to a retry. A commit that does not
        // apply fails the call, whose marker the interceptor then removes (one round trip more, on that path only).
        idempotency?.Send();

        // The operation as recorded (one round trip); whether its change applied meanwhile is asked beside the
        // wrong-code take below.
        var operation = await operations.PendingAsRecordedAsync(operationId, cancellationToken);
        if (idempotency is not null && !await idempotency.OwnsKeyAsync())
        {
            return IdempotencyClaim.NotOwned;
        }

        if (!operation.IsSuccess)
        {
            return operation.Failure;
        }

        var op = operation.Value;

        // Checked before the code is consumed: the e-mail of success must fit.
        outbox.EnsureRoomFor(1);

        // Three reads that evaluate nothing: whether the change applied although the operation reads pending (then it is
        // answered signed, and a unit taken meanwhile is given back), the customer's authenticator, and the profile the
        // e-mail of success goes to.
        var applied = operations.AppliedMeanwhileAsync(op, cancellationToken);
        var authenticator = authenticators.GetConfirmedAsync(op.CustomerId, cancellationToken);
        var profile = customers.GetAsync(op.CustomerId, cancellationToken);

        // Either kind of code signs: the SMS code bound to this operation, or a current code of the
        // customer's confirmed authenticator app. A TOTP code is not bound to the operation (see
        // docs/security.md); what it may sign is limited by the operation id, its pending state and
        // the digest check at commit, and each time step signs at most once.
        // Wrong codes (SMS or app) also count per customer over every operation: a new ChangePassword or a
        // cancel opens a new operation with tries of its own, never new ones for the customer. The try is taken
        // before either code is evaluated.
        var totp = TotpUse.NotEnrolled;
        bool? committed = null;
        IReadOnlyList<string> scopes = [SigningScope(op.CustomerId)];
        var limit = otpOptions.Value.MaxWrongSigningCodes;
        async Task<VerifyResult> EvaluateAsync(WrongCodeUnit unit)
        {
            // A code that matches the app's time step gives the unit back in the step's own script (customer's slot).
            totp = await authenticators.UseAsync(await authenticator, code, unit, cancellationToken);
            if (totp == TotpUse.Replayed)
            {
                // Not counted as a failure: a replay proves knowledge of a past code, not a guess, and
                // counting it would let parallel replays close the operation the real signature is completing.
                return new VerifyResult(VerifyStatus.AlreadyUsed);
            }

            // With an authenticator enrolled, a wrong code counts even while the SMS code is burned or
            // expired, so TOTP guesses stay limited by the operation's failure count.
            return totp == TotpUse.Accepted
                ? await operations.AcceptOtherFactorAsync(op, cancellationToken)
                : await operations.VerifyCodeAsync(op, code, otherFactorEnrolled: totp == TotpUse.Incorrect, cancellationToken);
        }

        async Task WhileSettlingAsync(VerifyResult result) => committed = await AlongsideSettleAsync(op, result, profile, idempotency);
        Task<VerifyResult?> SettledAsync() => operations.CodeSettledAsync(op, cancellationToken);

        CodeTry attempt;
        var endedInStep = false;
        if (OperationLifecycle.InCustomerGroup(op))
        {
            // The operation and its code are in the customer's group (its id names the slot twin of the customer's tag), so
            // the try's take, the SMS code, the settle and the operation's end when the try closes it are one atomic step
            // beside the reads (one round trip on Redis, where they were three): no code is evaluated before its try is taken.
            var unit = wrongCodes.NewUnit(scopes, limit);
            var stepping = operations.TrySmsCodeAsync(op, code, unit, cancellationToken);
            await Task.WhenAll(applied, authenticator, profile, stepping);
            var step = await stepping;
            if (await applied)
            {
                // A code of an operation whose change applied was used already: the step evaluated nothing it could win,
                // and gave the unit back unless it left it for an app code.
                if (step.Status == OperationCodeStepStatus.OtherFactorEnrolled)
                {
                    await wrongCodes.EvaluateAsync(unit, static _ => Task.FromResult(new VerifyResult(VerifyStatus.Closed)));
                }

                attempt = new CodeTry(new VerifyResult(VerifyStatus.Closed), Refused: true);
            }
            else
            {
                switch (step.Status)
                {
                    case OperationCodeStepStatus.Tried:
                        // Decided in the step: any code of a customer without an app, or the right SMS code of a usable
                        // challenge for one with an app (ChallengeRules.VerifyIfRight), so both sign in three.
                        attempt = step.Try!;
                        endedInStep = true;
                        if (attempt.Result.Status == VerifyStatus.Verified)
                        {
                            committed = await AlongsideSettleAsync(op, attempt.Result, profile, idempotency);
                        }

                        break;
                    case OperationCodeStepStatus.OtherFactorEnrolled:
                        // The unit is taken: the code may be the app's, which only this server can check (its secret is
                        // sealed). One step more either way: a code that matches a time step uses it, gives the unit back
                        // and ends the SMS challenge (a replay ends nothing and counts nothing); any other is tried as the
                        // SMS code under the unit held, counted even while that code is dead (the app's codes stay
                        // guessable), with the settle and the operation's end.
                        var app = await authenticator;
                        if (app is not null && authenticators.Match(app, code) is { } matched)
                        {
                            var customer = await profile ?? throw new InvalidOperationException("The operation's customer is gone.");
                            // The step and the commit in one round trip (three in all): the commit, its e-mail held under
                            // this attempt's id, applies only behind a step this attempt used now (a replay commits nothing
                            // and decides nothing of the operation's change). The change ticket is not deleted beside it
                            // (that would run on a replay too): the version bump ends it, and its TTL removes it.
                            var (accepted, appCommitted) = await CommitWithResponseAsync(
                                op,
                                operations.UseAppStepAndCommitAsync(op, app, matched, unit, policy.Options.HistoryDepth, passwordChange.EmailOf(op, customer)),
                                idempotency);
                            totp = accepted is null ? TotpUse.Replayed : TotpUse.Accepted;
                            attempt = new CodeTry(accepted ?? new VerifyResult(VerifyStatus.AlreadyUsed));
                            committed = appCommitted;
                            break;
                        }
                        else
                        {
                            totp = app is null ? TotpUse.NotEnrolled : TotpUse.Incorrect;
                            attempt = (await operations.TrySmsCodeAsync(op, code, unit, cancellationToken, unitHeld: true)).Try!;
                            endedInStep = true;
                        }

                        if (attempt.Result.Status == VerifyStatus.Verified)
                        {
                            committed = await AlongsideSettleAsync(op, attempt.Result, profile, idempotency);
                        }

                        break;
                    default:
                        // Busy: parallel tries still hold the last units; wait for them as any try does.
                        attempt = await wrongCodes.TryAsync(scopes, limit, EvaluateAsync, SettledAsync, cancellationToken, WhileSettlingAsync);
                        break;
                }
            }
        }
        else
        {
            // An operation opened by an earlier version keeps its records in a group of its own: the take, the code and the
            // settle are separate steps, with the reads beside the take.
            attempt = await wrongCodes.TryAsync(scopes, limit, EvaluateAsync, SettledAsync, cancellationToken, WhileSettlingAsync, applied);
        }

        await Task.WhenAll(authenticator, profile);
        if (attempt.Refused)
        {
            audit.Record(new AuditEvent("access.sign", "signed_meanwhile", caller.Channel, op.CustomerId, op.Reference));
            return OperationLifecycle.NotPending(OperationState.Signed);
        }

        if (totp == TotpUse.Replayed)
        {
            audit.Record(new AuditEvent("access.sign", "totp_replayed", caller.Channel, op.CustomerId, op.Reference));
            return CodeOutcomes.ForVerify(new VerifyResult(VerifyStatus.AlreadyUsed), "code", ErrorReasons.OperationBlocked);
        }

        var result = attempt.Result;
        if (result.Status != VerifyStatus.Verified)
        {
            if (attempt.Exhausted || attempt.JustFilled)
            {
                // The customer's budget is spent: this operation ends (in the code's step when it was one), and the next ones
                // refuse every code until a try frees up.
                if (!endedInStep)
                {
                    await operations.EndAsync(op, cancellationToken);
                }

                audit.Record(new AuditEvent("access.sign", attempt.Exhausted ? "wrong_codes_exhausted" : "wrong_codes_filled", caller.Channel, op.CustomerId, op.Reference));
                return CodeOutcomes.ForVerify(new VerifyResult(VerifyStatus.Closed), "code", ErrorReasons.OperationBlocked);
            }

            audit.Record(new AuditEvent("access.sign", result.Status.ToString(), caller.Channel, op.CustomerId, op.Reference));
            return CodeOutcomes.ForVerify(result, "code", ErrorReasons.OperationBlocked);
        }

        // Committed already, beside the settle, with its e-mail held and the change ticket that opened it deleted in the same
        // round trip (the version bump has ended it already; this deletes it); its first reader records it Signed.
        if (committed != true)
        {
            audit.Record(new AuditEvent("access.sign", "stale", caller.Channel, op.CustomerId, op.Reference));
            return new Failure(FailureKind.FailedPrecondition, ErrorReasons.OperationStale, "The credentials changed after this operation was opened.");
        }

        audit.Record(new AuditEvent("access.sign", totp == TotpUse.Accepted ? "password_changed_totp" : "password_changed", caller.Channel, op.CustomerId, op.Reference));
        return OperationState.Signed;
    }

    /// <summary>
    /// The customer's signing budget (wrong SMS or app codes over every operation), kept in the customer's group beside the
    /// authenticator, so that the use of an app code's time step gives a try's unit back in the same script.
    /// </summary>
    internal static string SigningScope(string customerId) => CustomerScopes.Of("sg", customerId);

    /// <summary>
    /// What a signature's evaluated code sends beside the wrong-code ledger's settle (one round trip): a right code's
    /// change, all or nothing with its e-mail held and the ticket deleted in that same round trip (never before the code is
    /// known to be right); or a code that has just burned the operation's
    /// challenge recording the operation expired. Whether the change applied, or null when none was tried.
    /// </summary>
    private async Task<bool?> AlongsideSettleAsync(
        OperationRecord op, VerifyResult result, Task<Customers.CustomerRecord?> profile, IdempotencyRider<OperationState>? idempotency)
    {
        if (result.Status == VerifyStatus.Verified)
        {
            var customer = await profile ?? throw new InvalidOperationException("The operation's customer is gone.");
            return await CommitWithResponseAsync(
                op,
                operations.CommitBesideHoldAsync(
                    op, policy.Options.HistoryDepth, passwordChange.EmailOf(op, customer), () => sessions.RevokeTicketAsync(op.TicketHash, CancellationToken.None)),
                idempotency);
        }

        if (result.JustClosed)
        {
            await operations.ExpireAsync(op, cancellationToken: CancellationToken.None);
        }

        return null;
    }

    /// <summary>
    /// Awaits a signature's commit, already sent (<paramref name="committing"/>), with the key's response sent right behind it
    /// in the same round trip: Signed, stored under the condition that the operation's change applied
    /// (<see cref="OperationSignedCondition"/>), since the commit has not answered yet. When it does not apply, the call fails
    /// (stale, or the step was a replay) and the interceptor removes the marker; should that removal never happen (the
    /// server dies first), a retry finds the condition false and is answered in progress, never Signed.
    /// </summary>
    private static async Task<T> CommitWithResponseAsync<T>(OperationRecord op, Task<T> committing, IdempotencyRider<OperationState>? idempotency)
    {
        var completing = idempotency?.CompleteBesideIf(OperationState.Signed, OperationSignedCondition.Of(op));
        try
        {
            return await committing;
        }
        finally
        {
            // Does not fault (IdempotencyRider.CompleteBesideIf); awaited so that nothing is left running unobserved.
            if (completing is not null)
            {
                await completing;
            }
        }
    }

    /// <param name="idempotency">The call's <c>x-idempotency-key</c> claim, which rides this flow's store steps; null without a key.</param>
    public async Task<Outcome<OperationState>> CancelAsync(string operationId, CallerContext caller, IdempotencyRider<OperationState>? idempotency, CancellationToken cancellationToken)
    {
        // A key's claim travels with the operation's read, and the code is not closed before its answer: a retry of a
        // cancel that completed (or still runs) gets its stored response (or in progress) and cancels nothing.
        idempotency?.Send();

        // The code is closed, and the operation cancelled with it (one step: the challenge is kept beside the
        // operation), in the same round trip as the check that the operation is still pending: the used code of an
        // operation whose change applied does not close, so nothing is cancelled. Then the reference is released.
        var pending = await operations.PendingWithAsync(
            operationId,
            async op => idempotency is not null && !await idempotency.OwnsKeyAsync()
                ? null
                : await operations.CloseCodeAndCancelAsync(op, cancellationToken, releaseReference: false),
            cancellationToken);
        if (!pending.IsSuccess)
        {
            return pending.Failure;
        }

        var (op, closure) = pending.Value;
        if (closure is null)
        {
            return IdempotencyClaim.NotOwned;
        }

        if (closure.Closed)
        {
            // The code closed, so the operation is no longer pending (cancelled by this step, or completed by another just
            // before): its reference goes back, after the completion (another slot). A key's response rides that release,
            // and only when this step recorded the cancel: the answer is then Cancelled whatever follows. Never beside the
            // close itself, whose answer decides it (a retry must not read "cancelled" about an operation a signature
            // reached first).
            var released = operations.ReleaseReferenceAsync(op);
            var completing = closure.Completed ? idempotency?.CompleteBeside(OperationState.Cancelled) : null;
            await released;
            if (completing is not null)
            {
                await completing;
            }
        }

        var state = await operations.CancelAsync(op, closure, cancellationToken);
        if (state != OperationState.Cancelled)
        {
            return OperationLifecycle.NotPending(state);
        }

        audit.Record(new AuditEvent("access.cancel", "cancelled", caller.Channel, op.CustomerId, op.Reference));
        return OperationState.Cancelled;
    }

    /// <summary>The new password's hash to store, or the refusal: the reuse check and the new hash are one Argon2.</summary>
    private async Task<Outcome<string>> CheckNewPasswordAsync(
        ChangePasswordCommand command, Customers.CustomerRecord customer, CredentialRecord credentials, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var language = LanguageFor(command, customer);
        var evaluation = policy.Evaluate(command.NewPassword, CustomerPersonalData.Of(customer));
        var rules = evaluation.FailedRequired.ToList();
        foreach (var rule in rules)
        {
            violations.Add(new("new_password", PasswordTexts.Message(rule, language, policy.Options), RuleReason(rule)));
        }

        if (!string.Equals(command.NewPassword, command.RepeatPassword, StringComparison.Ordinal))
        {
            violations.Add(new("repeat_password", language == Language.English ? "The passwords do not match." : "Las contraseñas no coinciden.", ErrorReasons.PasswordMismatch));
        }

        // Reuse is checked last, after every refusal the customer can trigger by typing, with the one Argon2 hash
        // the change needs anyway: the new password is hashed once with the customer's salt, compared with the
        // password in force and the last HistoryDepth, and that hash is the one stored (docs/security.md).
        string? pendingHash = null;
        if (violations.Count == 0)
        {
            pendingHash = await HashUnlessReusedAsync(command.NewPassword, credentials, cancellationToken);
            if (pendingHash is null)
            {
                rules.Add(PasswordRule.Reused);
                violations.Add(new("new_password", PasswordTexts.Message(PasswordRule.Reused, language, policy.Options), RuleReason(PasswordRule.Reused)));
            }
        }

        if (violations.Count == 0 && pendingHash is not null)
        {
            return pendingHash;
        }

        var reason = rules.Count > 0 ? ErrorReasons.PasswordPolicyViolation : ErrorReasons.PasswordMismatch;
        return Failure.Invalid(violations, reason) with
        {
            Metadata = new Dictionary<string, string> { ["rules"] = string.Join(",", rules.Select(RuleReason)) },
        };
    }

    /// <summary>The new password's hash to store, or null when it is the temporary one or one of the earlier ones.</summary>
    private async Task<string?> HashUnlessReusedAsync(string password, CredentialRecord credentials, CancellationToken cancellationToken)
    {
        // The temporary password is checked by HMAC: free, and no Argon2 spent on a password that cannot pass.
        if (TemporaryPassword.Matches(keys, credentials, password))
        {
            return null;
        }

        IReadOnlyList<string> earlier = credentials.PasswordHash is null
            ? [.. credentials.History.Take(policy.Options.HistoryDepth)]
            : [credentials.PasswordHash, .. credentials.History.Take(policy.Options.HistoryDepth)];
        // Paid: the customer holds a live change ticket (their SMS and temporary password are spent), see Argon2Gate.
        return (await hasher.HashNewAsync(password, earlier, cancellationToken, HashPriority.Paid)).Hash;
    }

    private async Task<(Customers.CustomerRecord Customer, CredentialRecord Credentials)?> CustomerOfTicketAsync(string ticket, CancellationToken cancellationToken)
    {
        var record = await sessions.TouchTicketAsync(SessionTokens.TicketHash(keys, ticket), time.GetUtcNow(), cancellationToken);
        return record is null ? null : await CustomerAtVersionAsync(record, cancellationToken);
    }

    private async Task<(Customers.CustomerRecord Customer, CredentialRecord Credentials)?> CustomerAtVersionAsync(ChangeTicket record, CancellationToken cancellationToken)
    {
        // The profile and the credentials are read together (one round trip); the profile is used only if the
        // ticket is still at the credentials' version (SessionRules.IsAtVersion).
        var customerTask = customers.GetAsync(record.CustomerId, cancellationToken);
        var credentialsTask = customers.GetCredentialsAsync(record.CustomerId, cancellationToken);
        await Task.WhenAll(customerTask, credentialsTask);
        var (customer, credentials) = (await customerTask, await credentialsTask);
        return customer is not null && credentials is not null && SessionRules.IsAtVersion(record.CredentialVersion, credentials.Version)
            ? (customer, credentials)
            : null;
    }

    private async Task<Failure> CountFailureAsync(string customerId, CallerContext caller, string action)
    {
        // Not cancellable: a client that hangs up must not escape having its wrong guess counted.
        var failure = await customers.RecordLoginFailureAsync(customerId, options.Value.MaxFailedLogins, CancellationToken.None);
        audit.Record(new AuditEvent(action, failure.JustBlocked ? "blocked_now" : "wrong_password", caller.Channel, customerId,
            Detail: failure.FailedLogins.ToString(CultureInfo.InvariantCulture)));
        return failure.JustBlocked
            ? new Failure(FailureKind.PermissionDenied, ErrorReasons.CredentialsBlocked, "Too many wrong passwords: the credentials are now blocked; recover them with a card.")
            : InvalidCredentials();
    }

    private static Language LanguageFor(ChangePasswordCommand command, Customers.CustomerRecord customer) =>
        command.Language ?? Languages.FromTag(customer.Language);

    private static string RuleReason(PasswordRule rule) => "PASSWORD_RULE_" + rule switch
    {
        PasswordRule.MinLength => "MIN_LENGTH",
        PasswordRule.MaxLength => "MAX_LENGTH",
        PasswordRule.PersonalData => "PERSONAL_DATA",
        PasswordRule.CommonPassword => "COMMON_PASSWORD",
        PasswordRule.MixedCase => "MIXED_CASE",
        _ => rule.ToString().ToUpperInvariant(),
    };

    /// <summary>
    /// The verify of the first login after a signed change completes a customer the bank has already paid for: it goes
    /// ahead of fresh logins. Any other login, and an unknown user code (which has no credentials, so the same answer as
    /// a known customer with nothing pending), is fresh: the priority tells nothing about which user codes exist, and
    /// an attacker cannot buy it without a card, its SMS codes and a signature, and then only for the customer's
    /// counted tries until the next granted login.
    /// </summary>
    private static HashPriority LoginPriority(CredentialRecord credentials) =>
        credentials.FirstLoginPending ? HashPriority.Paid : HashPriority.Fresh;

    private static Failure CredentialsBlocked() =>
        new(FailureKind.PermissionDenied, ErrorReasons.CredentialsBlocked, "The credentials are blocked; recover them with a card.");

    private static Failure InvalidCredentials() =>
        new(FailureKind.Unauthenticated, ErrorReasons.InvalidCredentials, "The user code or password is not correct.");

    private static Failure TemporaryExpired() =>
        new(FailureKind.FailedPrecondition, ErrorReasons.TemporaryPasswordExpired, "The temporary password has expired; start a new recovery.");

    private static Failure TicketInvalid() =>
        new(FailureKind.Unauthenticated, ErrorReasons.ChangeTicketInvalid, "The change ticket is unknown or has expired; log in again.");

    /// <summary>Gives a reservation back at most once, and not at all once its operation is opened.</summary>
    private sealed class ReleaseOnce(Func<Task> release)
    {
        private bool done;

        public Task RunAsync()
        {
            if (done)
            {
                return Task.CompletedTask;
            }

            done = true;
            return release();
        }

        public void Disarm() => done = true;

        /// <summary>On a failure, whose exception is the answer: a store that cannot be reached leaves the reservation to its expiry, nothing more.</summary>
        public async Task AfterFailureAsync()
        {
            try
            {
                await RunAsync();
            }
            catch (StorageUnavailableException)
            {
                // The failure being handled is the answer; the reference stays reserved until its expiry, and then is free.
            }
        }
    }
}
