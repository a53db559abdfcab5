using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Operations;

/// <summary>
/// The lifecycle of an operation (step 6), one home for the two flows that drive it: the access flow opens
/// it, resends and verifies its code, commits its signature and cancels it; the call-centre flow finds it
/// by reference, takes card checks and reissues its code by voice. What both must agree on lives here:
/// the challenge an operation's code is kept under, what that code is bound to, when a pending operation
/// has in fact expired or been signed, and the answers for an unknown or no longer pending operation.
/// </summary>
/// <remarks>
/// Messages (the SMS with the code, the e-mails) and the audit trail stay with the flows: each flow says
/// what it tells whom. The state transitions themselves are <see cref="OperationRules"/>, which both store
/// providers apply atomically.
/// </remarks>
public sealed class OperationLifecycle(
    IOperationStore operations,
    IOperationChange changes,
    OtpEngine otp,
    IOptions<OtpOptions> otpOptions,
    IRandomSource random,
    TimeProvider time)
{
    // 10^8 references against at most thousands open at once: a clash is rare, and a few redraws make
    // failure practically impossible.
    private const int ReferenceDraws = 16;

    /// <summary>
    /// Opens the signature of a password change: stores the operation under a free 8-digit reference and
    /// issues its code, bound to it. The clear code is returned once, for the flow to send.
    /// </summary>
    /// <param name="ticketHash">Keyed hash of the change ticket that opened it, revoked once it is signed.</param>
    public async Task<(OperationRecord Operation, IssuedCode Code)> OpenPasswordChangeAsync(
        string customerId, string phone, long credentialVersion, string pendingPasswordHash, Language language, string ticketHash, TimeSpan lifetime,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        for (var attempt = 0; attempt < ReferenceDraws; attempt++)
        {
            var record = NewPasswordChange(
                NewId(customerId), DrawReference(), customerId, phone, credentialVersion, pendingPasswordHash, language, ticketHash, now, now + lifetime);
            // The code's challenge is written together with the operation (one round trip): under an id drawn at
            // random, so if the reference is refused (taken meanwhile) it is bound to an operation that never
            // existed, can never verify, and expires unread.
            var created = operations.TryCreateAsync(record, cancellationToken);
            var issued = otp.IssueAsync(ChallengeId(record.Id), Binding(record), otpOptions.Value.SigningCodeDigits, deliverable: true, cancellationToken);
            await Task.WhenAll(created, issued);
            if (await created)
            {
                return (record, await issued);
            }
        }

        throw new InvalidOperationException("Could not allocate a free operation reference.");
    }

    /// <summary>
    /// Draws the id and the reference of a password change about to be opened and reserves the reference, so that the
    /// operation, its code and the SMS that carries both can later go together (<see cref="OpenReservedPasswordChangeAsync"/>).
    /// A caller sends this beside its own reads (one round trip) and gives the reservation back on every path that opens
    /// nothing (<see cref="ReleaseAsync"/>). The operation's lifetime starts now.
    /// </summary>
    public async Task<OperationReservation> ReserveAsync(string customerId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = NewId(customerId);
        var reference = DrawReference();
        var reserved = await operations.TryReserveReferenceAsync(reference, id, now + lifetime, cancellationToken);
        return new OperationReservation(id, reference, now, now + lifetime, reserved);
    }

    /// <summary>
    /// Opens the signature of a password change under <paramref name="reservation"/>: the record and its code's challenge
    /// are written, and the clear code is handed back at once with those writes under way (<c>Stored</c>), so that the
    /// SMS that carries it can travel with them; the caller awaits <c>Stored</c> before it answers. When the reference
    /// was found taken (rare), references are drawn again as <see cref="OpenPasswordChangeAsync"/> does, and the writes
    /// are done when this returns.
    /// </summary>
    public async Task<(OperationRecord Operation, IssuedCode Code, Task Stored)> OpenReservedPasswordChangeAsync(
        OperationReservation reservation, string customerId, string phone, long credentialVersion, string pendingPasswordHash, Language language,
        string ticketHash, CancellationToken cancellationToken)
    {
        if (!reservation.Reserved)
        {
            var (opened, issued) = await OpenPasswordChangeAsync(
                customerId, phone, credentialVersion, pendingPasswordHash, language, ticketHash, reservation.ExpiresAt - reservation.CreatedAt, cancellationToken);
            return (opened, issued, Task.CompletedTask);
        }

        var record = NewPasswordChange(
            reservation.Id, reservation.Reference, customerId, phone, credentialVersion, pendingPasswordHash, language, ticketHash, reservation.CreatedAt, reservation.ExpiresAt);
        // The reference already names this id, so nothing can refuse the record: the code may go out beside it. If a
        // write fails, the SMS carries a code that verifies nothing and the caller's answer is the failure.
        var written = operations.CreateReservedAsync(record, cancellationToken);
        var (code, stored) = otp.Issue(ChallengeId(record.Id), Binding(record), otpOptions.Value.SigningCodeDigits, deliverable: true, cancellationToken);
        return (record, code, Task.WhenAll(written, stored));
    }

    /// <summary>Gives back a reservation whose operation will not be opened, so that its reference is free at once (not cancellable).</summary>
    public Task ReleaseAsync(OperationReservation reservation) =>
        reservation.Reserved ? operations.ReleaseReferenceAsync(reservation.Reference, reservation.Id, CancellationToken.None) : Task.CompletedTask;

    /// <summary>The operation by id if it can still be signed; OPERATION_NOT_FOUND or OPERATION_NOT_PENDING (with its state) otherwise.</summary>
    public async Task<Outcome<OperationRecord>> PendingAsync(string operationId, CancellationToken cancellationToken)
    {
        var op = await operations.GetAsync(operationId, cancellationToken);
        if (op is null)
        {
            return new Failure(FailureKind.NotFound, ErrorReasons.OperationNotFound, "No operation has that id.");
        }

        var state = await CurrentStateAsync(op, cancellationToken);
        return state == OperationState.Pending ? op : NotPending(state);
    }

    /// <summary>
    /// <see cref="PendingAsync"/> without the check of whether the operation's change applied although its state was not
    /// recorded: the record alone (one round trip), found pending and unexpired; OPERATION_NOT_FOUND or
    /// OPERATION_NOT_PENDING (with its real state) otherwise. The caller sends <see cref="AppliedMeanwhileAsync"/>
    /// beside its next step and acts on the operation only if that says false.
    /// </summary>
    public async Task<Outcome<OperationRecord>> PendingAsRecordedAsync(string operationId, CancellationToken cancellationToken)
    {
        var op = await operations.GetAsync(operationId, cancellationToken);
        if (op is null)
        {
            return new Failure(FailureKind.NotFound, ErrorReasons.OperationNotFound, "No operation has that id.");
        }

        return op.State == OperationState.Pending && op.ExpiresAt > time.GetUtcNow() ? op : NotPending(await CurrentStateAsync(op, cancellationToken));
    }

    /// <summary>
    /// Whether the change of an operation recorded pending has applied all the same (the store failed after its commit,
    /// or a parallel signature is recording it): then it is recorded Signed, and the operation must be answered
    /// <c>NotPending(Signed)</c>. One round trip when it has not (the credentials' version is read).
    /// </summary>
    public async Task<bool> AppliedMeanwhileAsync(OperationRecord op, CancellationToken cancellationToken)
    {
        if (!await changes.WasAppliedAsync(op, cancellationToken))
        {
            return false;
        }

        // As in CurrentStateAsync: not cancellable, the commit already applied.
        await operations.TryCompleteAsync(op.Id, OperationState.Signed, CancellationToken.None);
        return true;
    }

    /// <summary>
    /// As <see cref="PendingAsync"/>, with <paramref name="alongside"/> run on the operation as read in the same
    /// round trip as the check of whether its change already applied (the pending answer then costs one round trip
    /// less). Only for work that is harmless on an operation whose change did apply: the commit follows the use of
    /// its code, so a step on its challenge (a reissue, a close) refuses by itself.
    /// </summary>
    public async Task<Outcome<(OperationRecord Operation, T Alongside)>> PendingWithAsync<T>(
        string operationId, Func<OperationRecord, Task<T>> alongside, CancellationToken cancellationToken)
    {
        var op = await operations.GetAsync(operationId, cancellationToken);
        if (op is null)
        {
            return new Failure(FailureKind.NotFound, ErrorReasons.OperationNotFound, "No operation has that id.");
        }

        return await PendingWithAsync(op, alongside, cancellationToken);
    }

    /// <summary><see cref="PendingWithAsync{T}(string, Func{OperationRecord, Task{T}}, CancellationToken)"/> on an operation already read.</summary>
    public async Task<Outcome<(OperationRecord Operation, T Alongside)>> PendingWithAsync<T>(
        OperationRecord op, Func<OperationRecord, Task<T>> alongside, CancellationToken cancellationToken)
    {
        if (await EndedAsRecordedAsync(op, cancellationToken) is { } ended)
        {
            return NotPending(ended);
        }

        var applied = changes.WasAppliedAsync(op, cancellationToken);
        var work = alongside(op);
        await Task.WhenAll(applied, work);
        if (await applied)
        {
            // As in CurrentStateAsync: not cancellable, the commit already applied.
            await operations.TryCompleteAsync(op.Id, OperationState.Signed, CancellationToken.None);
            return NotPending(OperationState.Signed);
        }

        return (op, await work);
    }

    /// <summary>
    /// The state of an operation whose record already says it is no longer pending (or past its end, which is recorded
    /// expired now); null for one recorded pending, whose change may still have applied unrecorded (see
    /// <see cref="CurrentStateAsync"/>, which also checks that at the price of a round trip).
    /// </summary>
    public async Task<OperationState?> EndedAsRecordedAsync(OperationRecord op, CancellationToken cancellationToken) =>
        op.State != OperationState.Pending || op.ExpiresAt <= time.GetUtcNow() ? await CurrentStateAsync(op, cancellationToken) : null;

    /// <summary>
    /// The operation holding <paramref name="reference"/> (as <see cref="FindByReferenceAsync"/>) with its code's
    /// challenge, the two read together once the reference is known (two round trips on a remote store); nulls for an
    /// unknown reference.
    /// </summary>
    public async Task<(OperationRecord? Operation, Challenge? Challenge)> FindByReferenceWithChallengeAsync(string reference, CancellationToken cancellationToken)
    {
        // An unknown reference reads an operation that does not exist ("~", as the store's own lookup does), so that not
        // finding costs what finding costs.
        var id = await operations.FindIdByReferenceAsync(reference, cancellationToken);
        var subject = id ?? Nobody.Id;
        var op = operations.GetAsync(subject, cancellationToken);
        var challenge = otp.GetAsync(ChallengeId(subject), cancellationToken);
        await Task.WhenAll(op, challenge);
        return id is not null && await op is { } found ? (found, await challenge) : (null, null);
    }

    /// <summary>
    /// Closes the operation's code and, if it closed, records the operation Cancelled, in one atomic step (see
    /// <see cref="CancelAsync(OperationRecord, CodeClosure, CancellationToken)"/> for what follows).
    /// </summary>
    /// <param name="releaseReference">
    /// False when the caller releases the reference itself (<see cref="ReleaseReferenceAsync"/>) once the closure answered,
    /// beside a step of its own.
    /// </param>
    public Task<CodeClosure> CloseCodeAndCancelAsync(OperationRecord op, CancellationToken cancellationToken, bool releaseReference = true) =>
        operations.CloseCodeAndCompleteAsync(op.Id, ChallengeId(op.Id), OperationState.Cancelled, cancellationToken, releaseReference);

    /// <summary>
    /// Gives back the reference of an operation no longer pending (after <see cref="CloseCodeAndCancelAsync"/> closed its
    /// code without releasing it): never with the completion, which lives in another slot, always after it.
    /// </summary>
    public Task ReleaseReferenceAsync(OperationRecord op) =>
        operations.ReleaseReferenceAsync(op.Reference, op.Id, CancellationToken.None);

    /// <summary>The operation holding <paramref name="reference"/> (the open one, or the last to hold it), or null.</summary>
    public Task<OperationRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken) =>
        operations.FindByReferenceAsync(reference, cancellationToken);

    /// <summary>
    /// The operation's state as it really is: one whose commit applied although its state was not recorded is recorded
    /// signed (a signature leaves its record for its first reader to settle, <see cref="CommitBesideHoldAsync"/>), and a
    /// pending one past its end whose change did not apply is recorded expired.
    /// </summary>
    public async Task<OperationState> CurrentStateAsync(OperationRecord op, CancellationToken cancellationToken)
    {
        if (op.State != OperationState.Pending)
        {
            return op.State;
        }

        // Whether the commit applied: the credentials moved on by this very change. Asked before the expiry, so that an
        // operation signed in time never reads expired because nobody read it before its end.
        if (await changes.WasAppliedAsync(op, cancellationToken))
        {
            // Not cancellable: the commit already applied, and a caller hanging up must not leave the
            // operation pending for a later cancel to contradict.
            await operations.TryCompleteAsync(op.Id, OperationState.Signed, CancellationToken.None);
            return OperationState.Signed;
        }

        if (op.ExpiresAt <= time.GetUtcNow())
        {
            await operations.TryCompleteAsync(op.Id, OperationState.Expired, cancellationToken);
            return OperationState.Expired;
        }

        return OperationState.Pending;
    }

    /// <summary>
    /// <see cref="CurrentStateAsync"/> and <see cref="ChallengeAsync"/> sent together (one round trip on a remote
    /// store). Without an operation (an unknown reference), the same reads for one that does not exist, so that not
    /// finding costs what finding costs.
    /// </summary>
    public async Task<(OperationState State, Challenge? Challenge)> StateAndChallengeAsync(OperationRecord? op, CancellationToken cancellationToken)
    {
        var subject = op ?? Nobody;
        var state = CurrentStateAsync(subject, cancellationToken);
        var challenge = ChallengeAsync(subject, cancellationToken);
        await Task.WhenAll(state, challenge);
        return (await state, await challenge);
    }

    // Pending and never expiring, of a customer that does not exist: its state is read (no credentials, so nothing
    // applied) and never written.
    private static readonly OperationRecord Nobody = new()
    {
        Id = "~", Reference = "~", CustomerId = "~", Description = "", PhoneLastDigits = "", PendingPasswordHash = "", CredentialVersion = 0,
        TicketHash = "", Language = "", CreatedAt = DateTimeOffset.MinValue, ExpiresAt = DateTimeOffset.MaxValue,
    };

    /// <summary>The operation's challenge as stored (its MAC, never a code), or null.</summary>
    public Task<Challenge?> ChallengeAsync(OperationRecord op, CancellationToken cancellationToken) =>
        otp.GetAsync(ChallengeId(op.Id), cancellationToken);

    /// <summary>
    /// A new code for the operation, on the same challenge: the previous code stops working, and the
    /// resend limits and wrong-code count are shared by the SMS and the call-centre path.
    /// </summary>
    public Task<(ReissueResult Result, IssuedCode? Code)> ReissueCodeAsync(OperationRecord op, CancellationToken cancellationToken) =>
        otp.ReissueAsync(ChallengeId(op.Id), Binding(op), otpOptions.Value.SigningCodeDigits, deliverable: true, cancellationToken);

    /// <summary>Verifies (and on success consumes) the operation's code; see <see cref="OtpEngine.VerifyAsync"/>.</summary>
    public async Task<VerifyResult> VerifyCodeAsync(OperationRecord op, string code, bool otherFactorEnrolled, CancellationToken cancellationToken) =>
        CodeGoneAsExpired(await otp.VerifyAsync(ChallengeId(op.Id), Binding(op), code, cancellationToken, otherFactorEnrolled));

    /// <summary>
    /// One try at the operation's code with <paramref name="unit"/> of the customer's signing budget, taken, evaluated and
    /// settled in one atomic step with the operation's end when the try closes it (<see cref="IOperationStore.TrySmsCodeAsync"/>:
    /// one round trip on a remote store, where the take, the code and the settle were three). Only for an operation in its
    /// customer's group (<see cref="InCustomerGroup"/>); a challenge that is gone answers as an expired code.
    /// </summary>
    /// <param name="unitHeld">
    /// The unit was taken by this step's earlier run, which found an app enrolled, and the code matched none of the app's
    /// steps (see <see cref="OperationSmsCode.UnitHeld"/>).
    /// </param>
    public async Task<OperationCodeStep> TrySmsCodeAsync(OperationRecord op, string code, WrongCodeUnit unit, CancellationToken cancellationToken, bool unitHeld = false)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(unit);
        if (!InCustomerGroup(op) || unit.Scopes.Count != 1)
        {
            throw new ArgumentException("The operation is not in its customer's group, or the unit is not of one scope.", nameof(op));
        }

        var step = await operations.TrySmsCodeAsync(
            new OperationSmsCode
            {
                OperationId = op.Id,
                CustomerId = op.CustomerId,
                ChallengeId = ChallengeId(op.Id),
                PresentedMac = otp.PresentedMac(Binding(op), code),
                Limits = otp.Limits,
                Scope = unit.Scopes[0],
                Token = unit.Token,
                WrongCodeLimit = unit.Limit,
                Window = unit.Window,
                Now = time.GetUtcNow(),
                UnitHeld = unitHeld,
            },
            cancellationToken);
        return step.Try is { } tried ? step with { Try = tried with { Result = CodeGoneAsExpired(tried.Result) } } : step;
    }

    /// <summary>
    /// An app code that matched <paramref name="timeStep"/> of the customer's <paramref name="authenticator"/>, under the try's
    /// <paramref name="unit"/>: the step used, the unit given back and, if the step was used now, the operation's SMS
    /// challenge ended, in one atomic step (<see cref="IOperationStore.UseAppStepAsync"/>); the challenge's answer, or null
    /// for a replayed step, which ends nothing. Not cancellable: the step's use and the unit's return must not be split.
    /// </summary>
    public async Task<VerifyResult?> UseAppStepAsync(OperationRecord op, Authenticator authenticator, long timeStep, WrongCodeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(authenticator);
        if (!InCustomerGroup(op) || authenticator.CustomerId != op.CustomerId)
        {
            throw new ArgumentException("The operation is not in its customer's group, or the app is another customer's.", nameof(op));
        }

        var result = await operations.UseAppStepAsync(op.CustomerId, ChallengeId(op.Id), authenticator.Id, timeStep, unit, time.GetUtcNow(), CancellationToken.None);
        unit.MarkGivenBack();
        return result is { } answer ? CodeGoneAsExpired(answer) : null;
    }

    /// <summary>
    /// <see cref="UseAppStepAsync"/> and the commit of the operation's change with <paramref name="messages"/> sent together
    /// (one round trip on a remote store): the commit guarded by the mark the step leaves only when it used the step now
    /// for this attempt (<see cref="IOperationChange.ApplyAfterStepBesideHoldAsync"/>). The step's answer (null for a
    /// replay) and whether the change applied (null when no commit was tried: the step did not sign). A step that signed
    /// but whose guarded commit was refused (the two reordered: on Redis a step re-sent after a NOSCRIPT answer or a
    /// Cluster redirect while the commit behind it runs; in memory a step waiting for the node's code-step lock; see
    /// docs/security.md and AppStepBehindCommitTests) is committed after it as <see cref="CommitBesideHoldAsync"/> does:
    /// one round trip more on that path only. Not cancellable.
    /// </summary>
    public async Task<(VerifyResult? Step, bool? Committed)> UseAppStepAndCommitAsync(
        OperationRecord op, Authenticator authenticator, long timeStep, WrongCodeUnit unit, int historyDepth, IReadOnlyList<Notification> messages)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(authenticator);
        ArgumentNullException.ThrowIfNull(unit);
        if (!InCustomerGroup(op) || authenticator.CustomerId != op.CustomerId)
        {
            throw new ArgumentException("The operation is not in its customer's group, or the app is another customer's.", nameof(op));
        }

        // An id per attempt (named by the try's token): a replayed attempt's refused commit records and announces its own
        // change dropped, never the operation's, which a parallel winning attempt is about to apply (docs/security.md).
        var attemptId = changes.AttemptIdOf(op, unit.Token);
        var stepping = operations.UseAppStepAsync(op.CustomerId, ChallengeId(op.Id), authenticator.Id, timeStep, unit, time.GetUtcNow(), CancellationToken.None, attemptId);
        var committing = changes.ApplyAfterStepBesideHoldAsync(op, historyDepth, messages, attemptId);
        VerifyResult? step;
        try
        {
            step = await stepping;
        }
        finally
        {
            // Awaited whatever the step answered: nothing is left running unobserved.
            await committing.ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        unit.MarkGivenBack();
        var result = step is { } answer ? CodeGoneAsExpired(answer) : (VerifyResult?)null;
        if (result?.Status != VerifyStatus.Verified)
        {
            return (result, null);
        }

        switch (await committing)
        {
            case true:
                return (result, true);
            case false:
                await operations.TryCompleteAsync(op.Id, OperationState.Expired, CancellationToken.None);
                return (result, false);
            default:
                return (result, await CommitBesideHoldAsync(op, historyDepth, messages, alongside: null));
        }
    }

    /// <summary>Ends the operation's challenge because another factor (an authenticator code) signed instead.</summary>
    public async Task<VerifyResult> AcceptOtherFactorAsync(OperationRecord op, CancellationToken cancellationToken) =>
        CodeGoneAsExpired(await otp.AcceptOtherFactorAsync(ChallengeId(op.Id), cancellationToken));

    // A pending operation whose challenge is gone (kept under another key by an earlier version, docs/operations.md, or
    // lost with a store's data) accepts no code: answered as an expired code, counted as nothing, not as a program error.
    private static VerifyResult CodeGoneAsExpired(VerifyResult result) =>
        result.Status == VerifyStatus.NotFound ? new VerifyResult(VerifyStatus.Expired) : result;

    /// <summary>What a try at the operation's code would answer without evaluating one; see <see cref="OtpEngine.SettledAsync"/>.</summary>
    public async Task<VerifyResult?> CodeSettledAsync(OperationRecord op, CancellationToken cancellationToken) =>
        await otp.SettledAsync(ChallengeId(op.Id), otherFactorEnrolled: true, cancellationToken) is { } settled ? CodeGoneAsExpired(settled) : null;

    /// <summary>Records a pending operation expired (its code burned or closed); false if it was no longer pending.</summary>
    public Task<bool> ExpireAsync(OperationRecord op, CancellationToken cancellationToken) =>
        operations.TryCompleteAsync(op.Id, OperationState.Expired, cancellationToken);

    /// <summary>
    /// Ends the operation for good: its code closed (no later try can sign it) and its state expired in one atomic step
    /// (<see cref="IOperationStore.CloseCodeAndCompleteAsync"/>). A code already used belongs to a signature under way,
    /// which decides the operation: then nothing is expired.
    /// </summary>
    /// <remarks>
    /// The reference is not released: it stays held until the operation's own expiry, as an open operation's would. On a
    /// remote store the release is a step of its own after the completion (another shard), and the signature that ends an
    /// operation (its customer's signing budget spent) answers within three round trips only without it. Holding a
    /// reference a few minutes longer costs at most an extra draw for a later ChangePassword (one in ~10⁴ with thousands
    /// open); it never lets two open operations share one.
    /// </remarks>
    public Task EndAsync(OperationRecord op, CancellationToken cancellationToken) =>
        operations.CloseCodeAndCompleteAsync(op.Id, ChallengeId(op.Id), OperationState.Expired, cancellationToken, releaseReference: false);

    /// <summary>
    /// Applies a verified operation's change with <paramref name="messages"/>, all or nothing, the messages held in the
    /// same round trip as the change, with <paramref name="alongside"/> beside them
    /// (<see cref="IOperationChange.ApplyBesideHoldAsync"/>); false (and the operation recorded Expired) if the
    /// credentials changed after it was opened. Not cancellable.
    /// </summary>
    /// <remarks>
    /// An applied change is not recorded Signed here: that would be a step of its own after the commit's answer (another
    /// slot, and a refused commit must never read signed). The record stays pending, and every reader of an operation
    /// recorded pending asks whether its change applied (<see cref="CurrentStateAsync"/>, <see cref="AppliedMeanwhileAsync"/>,
    /// <see cref="PendingWithAsync{T}(OperationRecord, Func{OperationRecord, Task{T}}, CancellationToken)"/>), finds it
    /// applied and records it Signed: the path a failure after the commit always took, now the only one. Its reference
    /// stays held until that record or the operation's expiry (an operation whose change applied is not open, and a
    /// reference held longer is never shared).
    /// </remarks>
    public async Task<bool> CommitBesideHoldAsync(OperationRecord op, int historyDepth, IReadOnlyList<Notification> messages, Func<Task>? alongside)
    {
        if (await changes.ApplyBesideHoldAsync(op, historyDepth, messages, alongside))
        {
            return true;
        }

        await operations.TryCompleteAsync(op.Id, OperationState.Expired, CancellationToken.None);
        return false;
    }

    /// <summary>Cancels a pending operation: Cancelled, or the state it reached first (Signed if a signature got there before).</summary>
    public async Task<OperationState> CancelAsync(OperationRecord op, CancellationToken cancellationToken) =>
        await CancelAsync(op, await CloseCodeAndCancelAsync(op, cancellationToken), cancellationToken);

    /// <summary>Finishes the cancel of a pending operation after <see cref="CloseCodeAndCancelAsync"/> answered <paramref name="closure"/>.</summary>
    public async Task<OperationState> CancelAsync(OperationRecord op, CodeClosure closure, CancellationToken cancellationToken)
    {
        // Closing the challenge first means a signature that already used the code is not undone by the
        // cancel. If its commit applied, the operation is signed. If it did not (the store failed
        // between the code and the commit), settling the change fences it off for good, and the cancel
        // proceeds: the operation ends cancelled, never signed behind the customer's back.
        if (!closure.Closed)
        {
            if (await changes.SettleAsync(op, cancellationToken))
            {
                await operations.TryCompleteAsync(op.Id, OperationState.Signed, CancellationToken.None);
                return OperationState.Signed;
            }

            if (await operations.TryCompleteAsync(op.Id, OperationState.Cancelled, cancellationToken))
            {
                return OperationState.Cancelled;
            }
        }
        else if (closure.Completed)
        {
            return OperationState.Cancelled;
        }

        // Completed meanwhile by someone else (an expiry, a signature's end): the state it reached.
        return (await operations.GetAsync(op.Id, cancellationToken))?.State ?? OperationState.Expired;
    }

    /// <summary>
    /// Takes one of the operation's <paramref name="max"/> call-centre card checks, before the card is
    /// compared, so that parallel attempts can never check more cards than allowed.
    /// </summary>
    public Task<CardCheckTake> TakeCardCheckAsync(OperationRecord op, int max, CancellationToken cancellationToken) =>
        operations.TryTakeCardCheckAsync(op.Id, max, cancellationToken);

    /// <summary>
    /// Takes a card check (as <see cref="TakeCardCheckAsync"/>) and, when <paramref name="reissue"/> (the caller's card
    /// matched) and the check was taken, reissues the operation's code in the same atomic step: no code without a
    /// check, and one round trip on a remote store instead of two. The code is null when none was reissued.
    /// </summary>
    public async Task<(CardCheckTake Take, ReissueResult? Result, IssuedCode? Code)> TakeCardCheckAndReissueAsync(
        OperationRecord op, int max, bool reissue, CancellationToken cancellationToken)
    {
        var (code, step) = otp.PrepareReissue(Binding(op), otpOptions.Value.SigningCodeDigits);
        var (take, result) = await operations.TryTakeCardCheckAndReissueAsync(op.Id, max, ChallengeId(op.Id), reissue ? step : null, cancellationToken);
        return (take, result, result is { } reissued ? otp.Reissued(code, reissued) : null);
    }

    private string DrawReference() => (10_000_000 + random.NextInt32(90_000_000)).ToString(CultureInfo.InvariantCulture);

    private static OperationRecord NewPasswordChange(
        string id, string reference, string customerId, string phone, long credentialVersion, string pendingPasswordHash, Language language, string ticketHash,
        DateTimeOffset createdAt, DateTimeOffset expiresAt) => new()
        {
            Id = id,
            Reference = reference,
            CustomerId = customerId,
            Description = NotificationTemplates.PasswordChangeDescription(language),
            PhoneLastDigits = Masking.PhoneLastDigits(phone),
            PendingPasswordHash = pendingPasswordHash,
            CredentialVersion = credentialVersion,
            TicketHash = ticketHash,
            Language = language.Tag(),
            CreatedAt = createdAt,
            ExpiresAt = expiresAt,
        };

    /// <summary>OPERATION_NOT_PENDING, naming the state the operation is in.</summary>
    public static Failure NotPending(OperationState state) =>
        new(FailureKind.FailedPrecondition, ErrorReasons.OperationNotPending, "The operation is not pending.")
        {
            Metadata = new Dictionary<string, string> { ["state"] = state.ToString().ToUpperInvariant() },
        };

    /// <summary>
    /// The group an operation's records are kept in: its record and its code's challenge, which the steps that close or
    /// reissue the code together with a change to the operation touch at once (on Redis, the hash tag of one slot). For an
    /// id of this version, the slot twin its id names (<see cref="SlotTwins"/>), which shares the customer's slot, so
    /// that a try at the code is one step with the customer's signing budget (<see cref="IOperationStore.TrySmsCodeAsync"/>);
    /// for an id of an earlier version (a random token only), <c>op:&lt;id&gt;</c> as it was then.
    /// </summary>
    public static string Group(string operationId) =>
        TryTwin(operationId, out var twin) ? SlotTwins.Tag(twin) : "op:" + operationId;

    /// <summary>Whether the operation's records are in its customer's group (an id of this version), so that a try at its code is one step.</summary>
    public static bool InCustomerGroup(OperationRecord op) =>
        TryTwin(op.Id, out var twin) && twin == SlotTwins.TwinOf(CustomerGroup(op.CustomerId));

    /// <summary>
    /// The SMS challenge of an operation (the call-centre path reissues the same one by voice), opening with its group's
    /// hash tag so that a store that shards keeps it beside the operation (RedisChallengeStore.ChallengeKey).
    /// </summary>
    internal static string ChallengeId(string operationId) =>
        TryTwin(operationId, out _) ? GroupedId.Of("code:" + operationId, Group(operationId)) : GroupedId.Of("code", Group(operationId));

    // An id names the slot twin of its customer's group (six digits), then a random token: "012345_<22 characters>". The
    // twin shows the customer's slot (14 bits of a CRC of the customer id) and never the id (docs/security.md).
    private string NewId(string customerId) => SlotTwins.IdIn(CustomerGroup(customerId), Tokens.New(random));

    // The group of the customer's own keys (the signing budget, the credentials, the authenticator): CustomerScopes.
    private static string CustomerGroup(string customerId) => "c:" + customerId;

    /// <summary>Whether <paramref name="operationId"/> is an id of this version, naming a slot twin (see <see cref="Group"/>).</summary>
    internal static bool HasTwin(string operationId) => TryTwin(operationId, out _);

    // An id of this version: six digits, '_', a 22-character token (Tokens.New's 16 bytes; an earlier version's ids are
    // the token alone).
    private const int IdTokenLength = 22;

    private static bool TryTwin(string operationId, out int twin) => SlotTwins.TryTwinOfId(operationId, IdTokenLength, out twin);

    /// <summary>
    /// What an operation's code is bound to (PSD2 dynamic linking): its id, customer, reference, the text the
    /// customer approves and a digest of the new password, so a code signs this change and no other.
    /// </summary>
    private static byte[] Binding(OperationRecord op) =>
        OtpEngine.Binding("operation", op.Id, op.CustomerId, op.Reference, op.Description,
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(op.PendingPasswordHash))));
}
