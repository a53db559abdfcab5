using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Operations;

public interface IOperationStore
{
    /// <summary>Stores the operation if its reference is free among open operations; false if taken.</summary>
    Task<bool> TryCreateAsync(OperationRecord operation, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves <paramref name="reference"/> for an operation not written yet, until <paramref name="expiresAt"/>, by the
    /// rule of <see cref="TryCreateAsync"/> (refused while an open, unexpired holder has it; its own holder may reserve it
    /// again). Until <see cref="CreateReservedAsync"/> writes the record, the reference leads to no operation.
    /// </summary>
    Task<bool> TryReserveReferenceAsync(string reference, string operationId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Writes an operation whose reference <see cref="TryReserveReferenceAsync"/> reserved for it (only if absent).</summary>
    Task CreateReservedAsync(OperationRecord operation, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back a reference reserved for an operation that will never be written, so that it is free at once; nothing
    /// if another operation holds it. Never for a written operation: that one's reference is released by its completion.
    /// </summary>
    Task ReleaseReferenceAsync(string reference, string operationId, CancellationToken cancellationToken);

    Task<OperationRecord?> GetAsync(string operationId, CancellationToken cancellationToken);

    Task<OperationRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken);

    /// <summary>The id of the operation holding <paramref name="reference"/> (the open one, or the last to hold it), or null; the record may be gone.</summary>
    Task<string?> FindIdByReferenceAsync(string reference, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically takes one of the <paramref name="max"/> card checks of the call-centre path for the
    /// operation: Taken with the checks used so far (this one included), Exhausted when none is left, or
    /// NotFound. Taken before the card is compared, so parallel attempts can never check more cards.
    /// </summary>
    Task<CardCheckTake> TryTakeCardCheckAsync(string operationId, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a card check as <see cref="TryTakeCardCheckAsync"/> does and, only when it is taken and
    /// <paramref name="reissue"/> is given (the card matched), reissues the operation's code in the same atomic step
    /// (ChallengeRules.Reissue on <paramref name="challengeId"/>, which is kept in the operation's group: OperationLifecycle.Group).
    /// The reissue's answer is null when none was tried.
    /// </summary>
    Task<(CardCheckTake Take, ReissueResult? Reissue)> TryTakeCardCheckAndReissueAsync(
        string operationId, int max, string challengeId, ChallengeReissue? reissue, CancellationToken cancellationToken);

    /// <summary>
    /// Closes the operation's code (ChallengeRules.Close on <paramref name="challengeId"/>, grouped with the operation)
    /// and, only if it closed, completes the operation to <paramref name="state"/> as <see cref="TryCompleteAsync"/>
    /// does (its reference released after), the close and the completion in one atomic step: a code already used
    /// belongs to a signature, which decides the operation.
    /// </summary>
    /// <param name="releaseReference">
    /// False to keep the reference held until the operation's own expiry instead of releasing it after the completion
    /// (a step that must not spend a round trip on it): the reference then stays taken for longer, never shared.
    /// </param>
    Task<CodeClosure> CloseCodeAndCompleteAsync(string operationId, string challengeId, OperationState state, CancellationToken cancellationToken, bool releaseReference = true);

    /// <summary>Moves a pending operation to <paramref name="state"/>; false if it was no longer pending.</summary>
    Task<bool> TryCompleteAsync(string operationId, OperationState state, CancellationToken cancellationToken);

    /// <summary>
    /// One try at an operation's code in one atomic step (WrongCodeBudget.TryAsync's take, evaluation and settle, as
    /// RedisRecoveryStore's code try does for a recovery): the customer's signing budget is taken before anything is
    /// evaluated; a full budget evaluates nothing and ends the operation (its code closed, then its state Expired, as
    /// <see cref="CloseCodeAndCompleteAsync"/> without releasing the reference); a customer with a confirmed authenticator
    /// app gets the right SMS code of a usable challenge verified and its try settled uncounted
    /// (ChallengeRules.VerifyIfRight), and for any other code the unit taken and nothing evaluated or counted
    /// (<see cref="OperationCodeStepStatus.OtherFactorEnrolled"/>: it may be an app code);
    /// otherwise the code is verified (ChallengeRules.Verify, not counted while inactive), the try settled, and the
    /// operation recorded Expired when the try filled the budget (its code closed) or closed the code. The operation's
    /// group must be its customer's (<see cref="OperationLifecycle.InCustomerGroup"/>). With
    /// <see cref="OperationSmsCode.UnitHeld"/>, the same without the take and the check for an app.
    /// </summary>
    Task<OperationCodeStep> TrySmsCodeAsync(OperationSmsCode code, CancellationToken cancellationToken);

    /// <summary>
    /// A signature's app code that matched <paramref name="timeStep"/>, in one atomic step with the try's
    /// <paramref name="unit"/> (taken by <see cref="TrySmsCodeAsync"/>): the step used on the customer's authenticator (if it
    /// is still <paramref name="authenticatorId"/> and the step is later than the last used), the unit given back
    /// uncounted either way (a matched step, used or replayed, is no wrong code), and, only if the step was used now, the
    /// operation's SMS challenge ended (ChallengeRules.AcceptOtherFactor), whose answer is returned; null for a replay,
    /// which ends nothing. The operation's group must be its customer's. With <paramref name="attemptChangeId"/>, a step used
    /// now that ended the challenge Verified also leaves the mark that lets that attempt's commit, sent in the same round
    /// trip behind it, apply (<c>ICustomerStore.CommitPasswordAfterStepAsync</c>), in the same atomic step.
    /// </summary>
    Task<VerifyResult?> UseAppStepAsync(
        string customerId, string challengeId, string authenticatorId, long timeStep, WrongCodeUnit unit, DateTimeOffset now, CancellationToken cancellationToken,
        string? attemptChangeId = null);
}
