using System.Globalization;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.CallCentre;

/// <summary>
/// The phone fallback of step 6 (the seed's "llamando al 950 183 313 … tarjetas físicas … que empiece
/// por 4 o 5"): an agent finds an operation by its reference, checks the caller's physical card, and
/// reads out a fresh signing code. The code is the operation's own challenge reissued, so the SMS code
/// stops working and the online limits (wrong codes, resends) are shared; card checks are limited per
/// reference. Every step is audited with the agent.
/// </summary>
public sealed class CallCentreFlow(
    OperationLifecycle operations,
    ICustomerStore customers,
    OtpEngine otp,
    CardValidator cards,
    CardLookup cardLookup,
    INotificationOutbox outbox,
    NotificationTexts texts,
    IAuditLog audit,
    IOptions<CallCentreOptions> options,
    TimeProvider time)
{
    /// <summary>The channel every call-centre step is audited under.</summary>
    public const string Channel = "call-centre";

    public async Task<Outcome<OperationLookup>> LookupAsync(string reference, string agentId, CancellationToken cancellationToken)
    {
        // Three round trips on a remote store whether the reference exists or not (RedisRoundTripTests): the
        // reference, the operation, then its state and challenge together (those of nobody when it is unknown).
        var op = await operations.FindByReferenceAsync(reference, cancellationToken);
        var (state, challenge) = await operations.StateAndChallengeAsync(op, cancellationToken);
        if (op is null)
        {
            audit.Record(new AuditEvent("callcentre.lookup", "not_found", Channel, Detail: Agent(agentId)));
            return NotFound();
        }

        audit.Record(new AuditEvent("callcentre.lookup", "found", Channel, op.CustomerId, op.Reference, Agent(agentId)));
        return new OperationLookup(
            op.Reference,
            op.Description,
            op.PhoneLastDigits,
            state,
            op.CreatedAt,
            op.ExpiresAt,
            Math.Max(0, options.Value.CardChecksPerReference - op.CardChecksUsed),
            state == OperationState.Pending && challenge is not null ? otp.ResendsRemaining(challenge) : 0);
    }

    public async Task<Outcome<VoiceCode>> IssueCodeByVoiceAsync(string reference, string cardNumber, string cardExpiry, string agentId, CancellationToken cancellationToken)
    {
        var card = cards.Validate(cardNumber, cardExpiry);
        if (!card.IsSuccess)
        {
            audit.Record(new AuditEvent("callcentre.issue_code_by_voice", "invalid_fields", Channel, Detail: Agent(agentId)));
            return card.Failure;
        }

        // Three round trips on a remote store where there were nine (RedisRoundTripTests): the caller's card is looked up
        // beside the reference; the operation, its challenge and the card's customer are read together; then the check
        // of whether its change applied, beside one step that takes the card check and (the card matching) reissues the
        // code, and the e-mail.
        var panHash = cardLookup.HashOf(card.Value.Digits);
        var finding = customers.FindByCardAsync(panHash, cancellationToken);
        var looking = operations.FindByReferenceWithChallengeAsync(reference, cancellationToken);
        await Task.WhenAll(finding, looking);
        var ((op, challenge), holder) = (await looking, await finding);
        if (op is null)
        {
            audit.Record(new AuditEvent("callcentre.issue_code_by_voice", "not_found", Channel, Detail: Agent(agentId)));
            return NotFound();
        }

        if (await operations.EndedAsRecordedAsync(op, cancellationToken) is { } ended)
        {
            audit.Record(new AuditEvent("callcentre.issue_code_by_voice", "not_pending", Channel, op.CustomerId, op.Reference, Agent(agentId)));
            return OperationLifecycle.NotPending(ended);
        }

        // Refused before a card check is spent: a code that could not be issued anyway (cooldown, no
        // resends left, a challenge that accepts nothing) must not cost the caller one of the reference's few checks.
        if (challenge is not null && otp.ReissueRefusal(challenge) is { } refusal)
        {
            audit.Record(new AuditEvent("callcentre.issue_code_by_voice", "no_code_available", Channel, op.CustomerId, op.Reference, Agent(agentId)));
            return CodeOutcomes.ForReissue(refusal, time.GetUtcNow(), ErrorReasons.OperationNotPending);
        }

        // As the record read says (the step below decides atomically): no check left answers before anything is sent.
        if (OperationRules.TakeCardCheck(op.CardChecksUsed, options.Value.CardChecksPerReference).Status == CardCheckTakeStatus.Exhausted)
        {
            audit.Record(new AuditEvent("callcentre.issue_code_by_voice", "card_checks_exhausted", Channel, op.CustomerId, op.Reference, Agent(agentId)));
            return ChecksExhausted();
        }

        // The e-mail telling the customer a code was given by phone must fit before anything changes.
        outbox.EnsureRoomFor(1);

        var matches = holder?.Id == op.CustomerId && CardOwnership.Holds(holder, panHash, card.Value.Expiry);

        // The card check and the reissue are one step (a code is reissued only with a check taken, and only for the
        // operation's customer's card), sent beside the check of whether the operation's change applied (a reissue of its
        // used code refuses by itself, OperationLifecycle.PendingWithAsync) and, for a matching card, the e-mail (which
        // holds no code). Checked just above on what was read, a reissue is refused only when a parallel call took the
        // last card check or resend, or used the code, in between; the customer is then told of a code that was not
        // given, which errs on the side a security notice should.
        var pending = await operations.PendingWithAsync(
            op,
            async o =>
            {
                var step = operations.TakeCardCheckAndReissueAsync(o, options.Value.CardChecksPerReference, reissue: matches, cancellationToken);
                var queued = matches
                    ? outbox.EnqueueAsync(
                        texts.OperationCodeByVoiceEmail(holder!.Email, holder.DisplayName, o.Description, o.Reference, Languages.FromTag(o.Language)),
                        cancellationToken).AsTask()
                    : Task.CompletedTask;
                await Task.WhenAll(step, queued);
                return await step;
            },
            cancellationToken);
        if (!pending.IsSuccess)
        {
            audit.Record(new AuditEvent("callcentre.issue_code_by_voice", "not_pending", Channel, op.CustomerId, op.Reference, Agent(agentId)));
            return pending.Failure;
        }

        var (_, (take, result, issued)) = pending.Value;
        if (take.Status != CardCheckTakeStatus.Taken)
        {
            audit.Record(new AuditEvent("callcentre.issue_code_by_voice", "card_checks_exhausted", Channel, op.CustomerId, op.Reference, Agent(agentId)));
            return take.Status == CardCheckTakeStatus.NotFound ? NotFound() : ChecksExhausted();
        }

        var remaining = options.Value.CardChecksPerReference - take.Used;
        if (!matches)
        {
            // One answer for an unknown card, another customer's card and a wrong expiry.
            audit.Record(new AuditEvent("callcentre.issue_code_by_voice", "card_mismatch", Channel, op.CustomerId, op.Reference, Agent(agentId)));
            return new Failure(FailureKind.InvalidArgument, ErrorReasons.CardMismatch, "The card is not one of this operation's customer's cards (or its expiry differs).")
            {
                Violations = [new FieldViolation("card_number", "Not a card of this operation's customer with that expiry.", ErrorReasons.CardMismatch)],
                Metadata = new Dictionary<string, string> { ["card_checks_remaining"] = remaining.ToString(CultureInfo.InvariantCulture) },
            };
        }

        if (issued is null)
        {
            // A matching card with a check taken always tries the reissue: its refusal is the answer.
            var refused = result ?? new ReissueResult(ReissueStatus.NotFound);
            audit.Record(new AuditEvent("callcentre.issue_code_by_voice", refused.Status.ToString(), Channel, op.CustomerId, op.Reference, Agent(agentId)));
            return CodeOutcomes.ForReissue(refused, time.GetUtcNow(), ErrorReasons.OperationNotPending);
        }

        audit.Record(new AuditEvent("callcentre.issue_code_by_voice", "code_issued", Channel, op.CustomerId, op.Reference, Agent(agentId)));
        return new VoiceCode(issued.Code, issued.ExpiresAt, issued.ResendsRemaining);
    }

    private static string Agent(string agentId) => "agent=" + agentId;

    private static Failure ChecksExhausted() =>
        new(FailureKind.FailedPrecondition, ErrorReasons.CardChecksExhausted,
            "No card checks are left for this reference; the customer can still sign online or open a new operation.");

    private static Failure NotFound() =>
        new(FailureKind.NotFound, ErrorReasons.OperationNotFound, "No operation has that reference.");
}
