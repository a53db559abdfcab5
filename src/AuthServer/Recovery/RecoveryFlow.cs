using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Captcha;
using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Identity;
using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Recovery;

/// <summary>Steps 1–3: identify by card, confirm by SMS, restore the credentials.</summary>
public sealed partial class RecoveryFlow(
    ICaptchaVerifier captcha,
    CardValidator cards,
    CardLookup cardLookup,
    IRateLimiter rateLimiter,
    IOptions<RateLimitOptions> rateLimits,
    ICustomerStore customers,
    IRecoveryStore recoveries,
    OtpEngine otp,
    IOptions<OtpOptions> otpOptions,
    TemporaryPasswordGenerator temporaryPasswords,
    IOptions<PasswordPolicyOptions> passwordPolicy,
    IPasswordHasher hasher,
    IOptions<RecoveryOptions> options,
    INotificationOutbox outbox,
    NotificationTexts texts,
    Customers.CredentialChanges changes,
    IAuditLog audit,
    SecretKeys keys,
    IRandomSource random,
    TimeProvider time,
    ILogger<RecoveryFlow> logger)
{
    public async Task<Outcome<RecoveryStarted>> StartAsync(StartRecoveryCommand command, CancellationToken cancellationToken)
    {
        // An x-idempotency-key's claim goes first, with the first store step whatever it is, and refuses nothing by itself:
        // whatever this call then returns, the interceptor answers a retry of a call that completed with its stored
        // response (even when this one is refused: the hashing queue is full, the first call used the captcha token).
        var rider = command.Idempotency;
        rider?.Send();

        // A refusal before the store steps: a retry whose key another call holds is answered from the claim (its stored
        // response, or in progress) and leaves no audit line of a refusal it did not get (a replayed captcha token).
        async Task<bool> NotOwnedAsync() => rider is not null && !await rider.OwnsKeyAsync();

        // Under a burst beyond hashing capacity a new flow waits here, before its captcha, SMS and temporary password
        // are spent, while the flows already under way still have hashes queued beyond the target: capacity goes to
        // completing customers, not to starting ones who would then wait (docs/operations.md). Before the captcha so
        // that the retry the refusal advises can present the same token; before the card, so it is the same answer
        // for every card and tells nothing.
        hasher.EnsureRoomForNewFlow();

        // The captcha comes before anything about the card: a refused or unverifiable captcha learns nothing.
        var human = await captcha.VerifyAsync(command.CaptchaToken, command.Caller, cancellationToken);
        if (human.Verdict != CaptchaVerdict.Accepted && await NotOwnedAsync())
        {
            return IdempotencyClaim.NotOwned;
        }

        switch (human.Verdict)
        {
            case CaptchaVerdict.Rejected:
                audit.Record(new AuditEvent("recovery.start", "captcha_rejected", command.Caller.Channel, Detail: human.Detail));
                return Failure.Invalid("captcha_token", "The captcha was not accepted.", ErrorReasons.CaptchaRejected);
            case CaptchaVerdict.Unavailable:
                // Fail closed: when the provider cannot answer, nobody passes, and the channel is told it is our outage.
                audit.Record(new AuditEvent("recovery.start", "captcha_unavailable", command.Caller.Channel, Detail: human.Detail));
                return new Failure(FailureKind.Unavailable, ErrorReasons.CaptchaUnavailable, "The captcha could not be verified; try again shortly.")
                {
                    RetryAfter = TimeSpan.FromSeconds(5),
                };
        }

        var card = cards.Validate(command.CardNumber, command.CardExpiry);
        var document = IdentityDocument.Normalize(command.DocumentId);
        if (card.Failure is not null || document is null)
        {
            var violations = new List<FieldViolation>(card.Failure?.Violations ?? []);
            if (document is null)
            {
                violations.Add(new("document_id", "Must be a DNI or NIE with its check letter, or a passport number.", "DOCUMENT_INVALID"));
            }

            if (await NotOwnedAsync())
            {
                return IdempotencyClaim.NotOwned;
            }

            audit.Record(new AuditEvent("recovery.start", "invalid_fields", command.Caller.Channel));
            return Failure.Invalid(violations);
        }

        outbox.EnsureRoomFor(1);

        var now = time.GetUtcNow();
        var panHash = cardLookup.HashOf(card.Value.Digits);
        var documentHash = KeyedHash.ComputeHex(keys.CardLookupKey, "doc:" + document);

        // Three round trips on a remote store, whatever the card (RedisRoundTripTests): the rate limits, the card's
        // index and its block are independent and go together; then the customer's profile and credentials (the
        // store reads a decoy's when the card is unknown); then the writes. The card reads do not wait for the
        // limiter's answer: a limited call reads two keys it will not use, which tells it nothing (it answers before
        // looking at them) and costs Redis a read, not a trip.
        var limiting = rider is null ? ApplyRateLimitsAsync(panHash, documentHash, command.Caller, now, cancellationToken) : null;
        var finding = customers.FindByCardWithCredentialsAsync(panHash, cancellationToken);
        var blocking = recoveries.GetCardBlockAsync(CardOf(panHash, documentHash), now, cancellationToken);
        if (limiting is null)
        {
            // With a key the charge waits for the claim's answer (it travelled with the reads above): a retry of a call that
            // completed, or still runs, must charge the card, document, channel and address nothing. The charge then goes
            // beside the customer's read, which the card index's answer started: still three round trips.
            if (!await OwnsKeyAsync(rider!, finding, blocking))
            {
                return IdempotencyClaim.NotOwned;
            }

            limiting = ApplyRateLimitsAsync(panHash, documentHash, command.Caller, now, cancellationToken);
        }

        await Task.WhenAll(limiting, finding, blocking);
        if (await limiting is { } limited)
        {
            audit.Record(new AuditEvent("recovery.start", "rate_limited", command.Caller.Channel, Detail: limited.Metadata["limit"]));
            return limited;
        }

        // Anti-enumeration: an unknown card, a wrong expiry or document, or a customer whose recovery is
        // blocked all continue down the same path with a decoy recovery. The response has the same
        // shape and the same store calls are made in the same order (a decoy enqueues a message that the
        // outbox checks for room like any other, then discards); only the SMS is not sent. DecoyWorkTests counts
        // them on both providers.
        var found = await finding;
        var customer = found?.Customer;
        var credentials = found?.Credentials;
        var cardBlocked = await blocking is not null;
        var match = !cardBlocked && customer is not null && credentials is not null &&
            customer.DocumentId == document &&
            CardOwnership.Holds(customer, panHash, card.Value.Expiry) &&
            !(credentials.RecoveryBlockedUntil > now);

        // Messages go in the language the channel asked for, else the customer's own, else es-ES.
        var language = command.Language ?? (match ? Languages.FromTag(customer!.Language) : Language.Spanish);
        // The id names the slot twin of the recovery's group (RecoveryIds), a function of the document typed alone, so
        // a decoy's is made alike: the record is kept in the slot of its challenge, its card's block and its wrong codes.
        var recoveryId = RecoveryIds.New(Group(panHash, documentHash), random);

        // The recovery with its code's challenge (one step of the store: one script on Redis), and the message, are
        // independent writes: one round trip. A decoy enqueues a message too, sealed like a real one: the same store
        // calls in the same order, and the same refusal when the outbox is full. The outbox then discards it instead of
        // storing it for the dispatcher (Notification.Decoy). Should the recovery fail to store while the message is
        // queued, the SMS carries a code that verifies nothing and the caller is told UNAVAILABLE (and starts again):
        // nothing is opened by it.
        var (issued, challenge) = otp.Prepare(ChallengeId(recoveryId, panHash, documentHash), Binding(recoveryId), otpOptions.Value.RecoveryCodeDigits, deliverable: match);
        var created = recoveries.CreateWithCodeAsync(
            new RecoveryRecord
            {
                Id = recoveryId,
                CustomerId = match ? customer!.Id : null,
                CardHash = panHash,
                DocumentHash = documentHash,
                Language = language.Tag(),
                Channel = command.Caller.Channel,
                CreatedAt = now,
                ExpiresAt = now + options.Value.Lifetime,
            },
            challenge,
            cancellationToken);
        var queued = outbox.EnqueueAsync(CodeSms(match ? customer!.Phone : null, issued.Code, language), cancellationToken).AsTask();

        // The response is known before the writes land, so a key's completion rides their round trip, sent after them: on one
        // Redis node a connection's commands run in order, so a stored response means the writes before it ran. Should one
        // of them fail, the call fails and the interceptor removes the marker once this completion has landed.
        var started = new RecoveryStarted(recoveryId, issued.ExpiresAt, issued.ResendAvailableAt, issued.ResendsRemaining);
        var completing = rider?.CompleteBeside(started);
        await Task.WhenAll(created, queued);
        if (completing is not null)
        {
            await completing;
        }

        // The audit trail (internal) may say what the caller must not learn.
        audit.Record(new AuditEvent("recovery.start", match ? "code_sent" : "decoy", command.Caller.Channel, customer?.Id, recoveryId,
            Masking.Pan(card.Value.Digits)));
        return started;
    }

    /// <summary>
    /// Whether this call owns its key. When it does not, the reads sent beside the claim are waited for (their failures
    /// ignored: the claim's answer is the caller's) so that nothing of the call runs on after it has answered.
    /// </summary>
    private static async Task<bool> OwnsKeyAsync(IdempotencyRider<RecoveryStarted> rider, Task finding, Task blocking)
    {
        var owned = false;
        try
        {
            owned = await rider.OwnsKeyAsync();
            return owned;
        }
        finally
        {
            if (!owned)
            {
                try
                {
                    await Task.WhenAll(finding, blocking);
                }
                catch (FailureException)
                {
                    // A store that did not answer a read this call no longer needs.
                }
            }
        }
    }

    /// <param name="idempotency">The call's <c>x-idempotency-key</c> claim, which rides this flow's store steps; null without a key.</param>
    public async Task<Outcome<CodeResent>> ResendAsync(string recoveryId, CallerContext caller, IdempotencyRider<CodeResent>? idempotency, CancellationToken cancellationToken)
    {
        // A key's claim travels with the recovery's read, and nothing is reissued, charged or sent before its answer: a
        // retry of a resend that completed (or still runs) gets its stored response (or in progress), even if the
        // recovery has ended since.
        idempotency?.Send();
        var recovery = await recoveries.GetAsync(recoveryId, cancellationToken);
        if (idempotency is not null && !await idempotency.OwnsKeyAsync())
        {
            return IdempotencyClaim.NotOwned;
        }

        if (recovery is null)
        {
            return NotFound();
        }

        if (recovery.State != RecoveryState.Open)
        {
            return NotOpen();
        }

        outbox.EnsureRoomFor(1);

        // Three round trips on a remote store, real or decoy (RedisRoundTripTests): the recovery; then, together, the
        // reissue and the customer (a decoy reads one that does not exist); then the message. The card's block is checked
        // in the reissue's own step (one script in the recovery's group on Redis): a blocked card gets no new code stored
        // and the answer "blocked", without a round trip of its own.
        var now = time.GetUtcNow();
        var (code, reissue) = otp.PrepareReissue(Binding(recoveryId), otpOptions.Value.RecoveryCodeDigits, deliverable: recovery.CustomerId is not null);
        var reissuing = recoveries.ReissueCodeAsync(CardOf(recovery), ChallengeId(recovery), reissue, cancellationToken);
        var reading = customers.GetAsync(recovery.CustomerId ?? DecoyCustomerId, cancellationToken);
        await Task.WhenAll(reissuing, reading);
        if (await reissuing is not { } result)
        {
            return Blocked();
        }

        var issued = otp.Reissued(code, result);
        if (issued is null)
        {
            audit.Record(new AuditEvent("recovery.resend", result.Status.ToString(), caller.Channel, recovery.CustomerId, recoveryId));
            return CodeOutcomes.ForReissue(result, now, ErrorReasons.RecoveryNotOpen);
        }

        // A decoy enqueues a message the outbox discards after its room check: the same store calls in the same order.
        var customer = await reading;
        var queued = outbox.EnqueueAsync(CodeSms(recovery.CustomerId is null ? null : customer?.Phone, issued.Code, Languages.FromTag(recovery.Language)), cancellationToken).AsTask();

        // A key's completion rides the message's round trip, sent after it (as StartAsync's).
        var resent = new CodeResent(issued.ExpiresAt, issued.ResendAvailableAt, issued.ResendsRemaining);
        var completing = idempotency?.CompleteBeside(resent);
        await queued;
        if (completing is not null)
        {
            await completing;
        }

        audit.Record(new AuditEvent("recovery.resend", "code_sent", caller.Channel, recovery.CustomerId, recoveryId));
        return resent;
    }

    /// <param name="idempotency">The call's <c>x-idempotency-key</c> claim, which rides this flow's store steps; null without a key.</param>
    public async Task<Outcome<RecoveryConfirmed>> ConfirmAsync(string recoveryId, string code, CallerContext caller, IdempotencyRider<RecoveryConfirmed>? idempotency, CancellationToken cancellationToken)
    {
        // A key's claim travels with the recovery's read, and no try is taken before its answer: a retry of a confirm that
        // completed (or still runs) gets its stored response (or in progress) and spends no attempt.
        idempotency?.Send();
        var recovery = await recoveries.GetAsync(recoveryId, cancellationToken);
        if (recovery is null)
        {
            return NotFound();
        }

        if (idempotency is not null && !await idempotency.OwnsKeyAsync())
        {
            return IdempotencyClaim.NotOwned;
        }

        // Checked before the code is consumed: the two messages of success must fit.
        outbox.EnsureRoomFor(2);

        // The card's block, the wrong-code take, the code and the settle are one step of the store (one script on keys of
        // one slot on Redis: the recovery's group, GroupedId), so a wrong code costs two round trips and parallel tries
        // cannot slip between a take and its settle. A block on the card stops every recovery opened with it and its
        // document, including ones opened before the block, so extra open recoveries give no extra guesses; wrong codes
        // count per card and per document over every recovery (a new recovery brings new tries of its own, never new
        // ones for the card), and the try is taken before the code is evaluated: decoys alike. The customer whose
        // messages a right code sends is read beside it (a decoy reads one that does not exist).
        var now = time.GetUtcNow();
        var o = otpOptions.Value;
        var trying = recoveries.TryCodeAsync(
            new RecoveryCodeTry
            {
                ChallengeId = ChallengeId(recovery),
                PresentedMac = otp.PresentedMac(Binding(recoveryId), code),
                Limits = otp.Limits,
                Card = CardOf(recovery),
                Scopes = WrongCodeScopes(recovery),
                WrongCodeLimit = o.MaxWrongRecoveryCodes,
                WrongCodeWindow = o.WrongCodeWindow,
                Token = Tokens.New(random),
                Now = now,
                FirstBlock = options.Value.FirstBlock,
                MaxBlock = options.Value.MaxBlock,
            },
            cancellationToken);
        var reading = customers.GetAsync(recovery.CustomerId ?? DecoyCustomerId, cancellationToken);
        await Task.WhenAll(trying, reading);
        var (attempt, cardBlockedUntil) = await trying;
        if (attempt.Refused)
        {
            audit.Record(new AuditEvent("recovery.confirm", "card_blocked", caller.Channel, recovery.CustomerId, recoveryId));
            return Blocked();
        }

        if (attempt.Exhausted)
        {
            audit.Record(new AuditEvent("recovery.confirm", "wrong_codes_exhausted", caller.Channel, recovery.CustomerId, recoveryId));
            return Blocked();
        }

        var result = attempt.Result;
        if (result.Status == VerifyStatus.NotFound)
        {
            // The record outlived its challenge (or the challenge was kept elsewhere by an older version): nothing to
            // confirm, and the try's unit was given back.
            audit.Record(new AuditEvent("recovery.confirm", "challenge_not_found", caller.Channel, recovery.CustomerId, recoveryId));
            return NotFound();
        }

        if (result.Status != VerifyStatus.Verified)
        {
            audit.Record(new AuditEvent("recovery.confirm", result.Status.ToString(), caller.Channel, recovery.CustomerId, recoveryId));
            if (cardBlockedUntil is { } cardUntil)
            {
                // The try closed the challenge or filled the budget, and the store blocked the card with it: the customer
                // is blocked too until a try frees up, so that no new recovery sends a code that could not be confirmed.
                await BlockAsync(recovery, caller, cardUntil, attempt.FullUntil, cancellationToken);
            }

            return attempt.JustFilled ? Blocked() : CodeOutcomes.ForVerify(result, "code", ErrorReasons.RecoveryBlocked);
        }

        // Only a delivered code can verify, so a verified recovery always has a customer.
        var customer = await reading ?? throw new InvalidOperationException("The recovery's customer is gone.");
        var customerId = customer.Id;
        var changeId = Customers.CredentialChanges.OfRecovery(recoveryId);
        var language = Languages.FromTag(recovery.Language);
        var expiresAt = now + options.Value.TemporaryPasswordLifetime;
        var temporaryPassword = temporaryPasswords.Next();
        var confirmed = new RecoveryConfirmed(Masking.Email(customer.Email), Masking.Phone(customer.Phone), expiresAt);

        // All or nothing (docs/architecture.md): the credentials change (old password retired, temporary
        // one installed, other sessions and tickets ended by the version bump) and
        // both messages go together or not at all. A user code without its temporary password (or the
        // reverse) opens nothing, and a restore without its messages would leave the customer with no
        // password at all. One round trip on a remote store: the messages' hold, the restore (whose script records the
        // change and announces it, so that the dispatchers release the hold) and the recovery's state are sent together;
        // a hold refused beside a restore that applied is followed by the messages queued whatever the outbox's room.
        await changes.ApplyBesideHoldAsync(
            customerId,
            changeId,
            [
                texts.UserCodeEmail(customer.Email, customer.DisplayName, customer.UserCode, language),
                texts.TemporaryPasswordSms(customer.Phone, temporaryPassword, options.Value.TemporaryPasswordLifetime, language),
            ],
            ct => customers.RestoreWithTemporaryPasswordAsync(customerId, TemporaryPassword.Mac(keys, temporaryPassword), expiresAt,
                passwordPolicy.Value.HistoryDepth, changeId, ct),

            // The restore applies or throws (a change already settled as dropped, a store that did not answer).
            static _ => true,

            // Bookkeeping beside the change: the recovery's code is spent whatever the change does, so nothing more can
            // be done with it either way; if it fails after the change applied, the customer is restored and told.
            // A key's response rides the same round trip, sent after the hold and the restore: if the restore then
            // fails, so does the call, and the interceptor removes the marker once this completion has landed.
            () =>
            {
                var completed = recoveries.SetStateAsync(recoveryId, RecoveryState.Completed, CancellationToken.None);
                return idempotency is null ? completed : Task.WhenAll(completed, idempotency.CompleteBeside(confirmed));
            });

        audit.Record(new AuditEvent("recovery.confirm", "credentials_restored", caller.Channel, customerId, recoveryId));
        return confirmed;
    }

    private const string DecoyCustomerId = "decoy";

    // A well-formed Spanish mobile number of the usual length, so that a decoy renders and seals to the size of a real
    // message; the outbox discards a decoy, so nothing ever sends to it.
    private const string DecoyPhone = "+34600000000";

    /// <summary>The recovery code SMS for <paramref name="phone"/>, or, with none, a decoy of the same shape that is never sent.</summary>
    private Notification CodeSms(string? phone, string code, Language language) =>
        phone is null
            ? texts.RecoveryCodeSms(DecoyPhone, code, otpOptions.Value.CodeLifetime, language) with { Decoy = true }
            : texts.RecoveryCodeSms(phone, code, otpOptions.Value.CodeLifetime, language);

    // A recovery's group (GroupedId): its document, or its card for a record from before documents were kept. Its
    // challenge, its card's block and the wrong-code counts of its card and document are kept together, so that one try
    // is one atomic step of the store (one script on Redis Cluster). Grouping by document keeps the document's budget
    // shared by every card of the customer (who has one document), and the card's budget and block whole for every
    // recovery that could send a code (only one with the card's own document can). A card tried with other documents
    // counts and blocks per document: those recoveries are decoys whose codes verify nothing (docs/security.md).
    private static string Group(string cardHash, string? documentHash) => documentHash is null ? "k:" + cardHash : "d:" + documentHash;

    private static string ChallengeId(string recoveryId, string cardHash, string? documentHash) =>
        GroupedId.Of("rec:" + recoveryId, Group(cardHash, documentHash));

    /// <summary>The id of <paramref name="recovery"/>'s challenge (tests read the challenge by it).</summary>
    internal static string ChallengeId(RecoveryRecord recovery) => ChallengeId(recovery.Id, recovery.CardHash, recovery.DocumentHash);

    private static string CardOf(string cardHash, string? documentHash) => GroupedId.Of(cardHash, Group(cardHash, documentHash));

    private static string CardOf(RecoveryRecord recovery) => CardOf(recovery.CardHash, recovery.DocumentHash);

    // Keyed hashes only. A record from before documents were kept counts per card alone.
    private static string[] WrongCodeScopes(RecoveryRecord recovery)
    {
        var group = Group(recovery.CardHash, recovery.DocumentHash);
        return recovery.DocumentHash is { } document
            ? [GroupedId.Of("rc:" + recovery.CardHash, group), GroupedId.Of("rd:" + document, group)]
            : [GroupedId.Of("rc:" + recovery.CardHash, group)];
    }

    private static byte[] Binding(string recoveryId) => OtpEngine.Binding("recovery", recoveryId);

    private static Failure NotFound() =>
        new(FailureKind.NotFound, ErrorReasons.RecoveryNotFound, "No open recovery has that id.");

    private static Failure Blocked() =>
        new(FailureKind.FailedPrecondition, ErrorReasons.RecoveryBlocked, "Too many wrong codes; recovery with this card is blocked for a while.");

    private static Failure NotOpen() =>
        new(FailureKind.FailedPrecondition, ErrorReasons.RecoveryNotOpen, "This recovery is already finished.");

    // Blocks the recovery procedure, never the login: someone holding a stolen card must not be able
    // to lock the real customer out of online banking by typing wrong codes. The card was blocked by the try itself
    // (until cardUntil); the recovery's state and the customer's block are independent writes, sent together.
    private async Task BlockAsync(RecoveryRecord recovery, CallerContext caller, DateTimeOffset cardUntil, DateTimeOffset? atLeastUntil, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stateSet = recoveries.SetStateAsync(recovery.Id, RecoveryState.Blocked, cancellationToken);
        var customerBlocked = BlockCustomerAsync(recovery.CustomerId, now, atLeastUntil, cancellationToken);
        await Task.WhenAll(stateSet, customerBlocked);
        if (recovery.CustomerId is null)
        {
            audit.Record(new AuditEvent("recovery.blocked", "decoy_card", caller.Channel, null, recovery.Id, $"until {cardUntil:O}"));
            return;
        }

        var until = (await customerBlocked)!.Value;
        audit.Record(new AuditEvent("recovery.blocked", "alert", caller.Channel, recovery.CustomerId, recovery.Id, $"until {until:O}"));
        LogRecoveryBlocked(recovery.CustomerId, until);
    }

    private async Task<DateTimeOffset?> BlockCustomerAsync(string? customerId, DateTimeOffset now, DateTimeOffset? atLeastUntil, CancellationToken cancellationToken)
    {
        if (customerId is not null)
        {
            return await customers.BlockRecoveryAsync(customerId, now, options.Value.FirstBlock, options.Value.MaxBlock, cancellationToken, atLeastUntil);
        }

        // The same store call as for a customer, against one that does not exist (the store refuses it), so a
        // decoy's block costs what a real one costs.
        try
        {
            await customers.BlockRecoveryAsync(DecoyCustomerId, now, options.Value.FirstBlock, options.Value.MaxBlock, cancellationToken, atLeastUntil);
        }
        catch (InvalidOperationException)
        {
        }

        return null;
    }

    private async Task<Failure?> ApplyRateLimitsAsync(string panHash, string documentHash, CallerContext caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var o = rateLimits.Value;
        var byAddress = caller.ClientAddress != CallerContext.Unknown.ClientAddress;
        var buckets = new RateLimitKey[byAddress ? 4 : 3];
        buckets[0] = new("start:card:" + panHash, o.PerCard);
        buckets[1] = new("start:doc:" + documentHash, o.PerDocument);
        buckets[2] = new("start:channel:" + caller.Channel, o.PerChannel);
        if (byAddress)
        {
            buckets[3] = new("start:addr:" + caller.ClientAddress, o.PerClientAddress);
        }

        var decision = await rateLimiter.TryAcquireAsync(buckets, now, cancellationToken);
        if (decision.Allowed)
        {
            return null;
        }

        var limit = decision.LimitedKey!.Split(':')[1];
        return new Failure(FailureKind.ResourceExhausted, ErrorReasons.RateLimited, "Too many recovery attempts; try again later.")
        {
            RetryAfter = decision.RetryAfter,
            Metadata = new Dictionary<string, string> { ["limit"] = limit },
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovery procedure blocked for customer {CustomerId} until {Until} after repeated wrong codes")]
    private partial void LogRecoveryBlocked(string customerId, DateTimeOffset until);
}
