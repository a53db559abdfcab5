using System.Collections.Concurrent;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// Operations in memory. Every write (the sweeps included) runs under one lock and decides by
/// <see cref="OperationRules"/>, the same functions the Redis store's scripts mirror; reads take no lock.
/// The steps that also touch the operation's code run the challenge store's step right after (or before) the
/// operation's, in the order the Redis script runs them: in one process nothing can fail between the two.
/// </summary>
/// <param name="challenges">The operations' SMS challenges.</param>
/// <param name="ledger">The wrong-code ledger a signature's try is taken from (<see cref="TrySmsCodeAsync"/>).</param>
/// <param name="authenticators">Asked whether the customer has an app, whose codes only the flow can check (<see cref="TrySmsCodeAsync"/>).</param>
/// <param name="stepMarks">
/// The customers, whose entries hold the mark an app step used now leaves for its attempt's guarded commit
/// (<see cref="UseAppStepAsync"/>, <see cref="InMemoryCustomerStore.CommitPasswordAfterStepAsync"/>): the same instance the
/// customer store's callers use, whatever decorates <see cref="IAuthenticatorStore"/> or <see cref="Customers.ICustomerStore"/>.
/// </param>
public sealed class InMemoryOperationStore(
    IChallengeStore challenges, IWrongCodeLedger ledger, IAuthenticatorStore authenticators, InMemoryCustomerStore stepMarks, TimeProvider time)
    : IOperationStore, IDisposable
{
    // One signature's code step at a time on this node, so that the take, the code, the settle and the operation's end are
    // one atomic step as the Redis script is (a try is never seen pending by another). In memory a step takes microseconds.
    private readonly SemaphoreSlim smsCodeSteps = new(1, 1);

    private readonly ConcurrentDictionary<string, OperationRecord> operations = new(StringComparer.Ordinal);
    // Who holds each reference, as on Redis: a reservation may come before its operation is written, and is closed when
    // the operation completes or the reservation is given back.
    private readonly ConcurrentDictionary<string, ReferenceHold> byReference = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);
    private readonly ExpirySweeper referenceSweeper = new(time);
    private readonly Lock gate = new();

    /// <summary>References held (for tests of the sweep).</summary>
    internal int ReferenceCount => byReference.Count;

    public Task<bool> TryCreateAsync(OperationRecord operation, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!Reserve(operation.Reference, operation.Id, operation.ExpiresAt))
            {
                return Task.FromResult(false);
            }

            // Written only if absent, as on Redis: a retried create changes nothing it already made.
            operations.TryAdd(operation.Id, operation);
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryReserveReferenceAsync(string reference, string operationId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(Reserve(reference, operationId, expiresAt));
        }
    }

    public Task CreateReservedAsync(OperationRecord operation, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            operations.TryAdd(operation.Id, operation);
            return Task.CompletedTask;
        }
    }

    public Task ReleaseReferenceAsync(string reference, string operationId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Release(reference, operationId);
            return Task.CompletedTask;
        }
    }

    public Task<OperationRecord?> GetAsync(string operationId, CancellationToken cancellationToken) =>
        Task.FromResult(operations.GetValueOrDefault(operationId));

    public Task<string?> FindIdByReferenceAsync(string reference, CancellationToken cancellationToken) =>
        Task.FromResult(byReference.TryGetValue(reference, out var hold) ? hold.OperationId : null);

    public Task<OperationRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken) =>
        Task.FromResult(byReference.TryGetValue(reference, out var hold) ? operations.GetValueOrDefault(hold.OperationId) : null);

    public Task<CardCheckTake> TryTakeCardCheckAsync(string operationId, int max, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!operations.TryGetValue(operationId, out var current))
            {
                return Task.FromResult(new CardCheckTake(CardCheckTakeStatus.NotFound, 0));
            }

            var take = OperationRules.TakeCardCheck(current.CardChecksUsed, max);
            if (take.Status == CardCheckTakeStatus.Taken)
            {
                operations[operationId] = current with { CardChecksUsed = take.Used };
            }

            return Task.FromResult(take);
        }
    }

    public async Task<(CardCheckTake Take, ReissueResult? Reissue)> TryTakeCardCheckAndReissueAsync(
        string operationId, int max, string challengeId, ChallengeReissue? reissue, CancellationToken cancellationToken)
    {
        var take = await TryTakeCardCheckAsync(operationId, max, cancellationToken);
        if (take.Status != CardCheckTakeStatus.Taken || reissue is null)
        {
            return (take, null);
        }

        return (take, await challenges.ReissueAsync(challengeId, reissue.NewMac, reissue.Now, reissue.Limits, cancellationToken));
    }

    public async Task<CodeClosure> CloseCodeAndCompleteAsync(
        string operationId, string challengeId, OperationState state, CancellationToken cancellationToken, bool releaseReference = true)
    {
        OperationRules.ThrowIfNotFinal(state);

        // A code already used belongs to a signature, which decides the operation.
        if (!await challenges.CloseAsync(challengeId, cancellationToken))
        {
            return new CodeClosure(Closed: false, Completed: false);
        }

        return new CodeClosure(Closed: true, Completed: Complete(operationId, state, releaseReference));
    }

    public async Task<OperationCodeStep> TrySmsCodeAsync(OperationSmsCode code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        await smsCodeSteps.WaitAsync(cancellationToken);
        try
        {
            // Not cancellable once begun, as on Redis where the script runs whole.
            var none = CancellationToken.None;
            var take = code.UnitHeld ? new WrongCodeTake(true) : await ledger.TakeAsync([code.Scope], code.Token, code.WrongCodeLimit, code.Window, code.Now, none);
            if (!take.Granted)
            {
                if (take.Busy)
                {
                    return new OperationCodeStep(OperationCodeStepStatus.Busy);
                }

                await CloseCodeAndCompleteAsync(code.OperationId, code.ChallengeId, OperationState.Expired, none, releaseReference: false);
                return new OperationCodeStep(OperationCodeStepStatus.Tried, new CodeTry(new VerifyResult(VerifyStatus.Closed), Exhausted: true, FullUntil: take.FreesAt));
            }

            VerifyResult result;
            if (!code.UnitHeld && await authenticators.GetConfirmedAsync(code.CustomerId, none) is not null)
            {
                // An app enrolled: the right SMS code of a usable challenge signs here; any other is left to the app's check.
                if (!await challenges.VerifyIfRightAsync(code.ChallengeId, code.PresentedMac, code.Now, none))
                {
                    return new OperationCodeStep(OperationCodeStepStatus.OtherFactorEnrolled);
                }

                result = new VerifyResult(VerifyStatus.Verified);
            }
            else
            {
                result = await challenges.VerifyAsync(code.ChallengeId, code.PresentedMac, code.Now, code.Limits, none, countWhileInactive: code.UnitHeld);
            }

            var settled = await ledger.SettleAsync([code.Scope], code.Token, result.Counted, code.WrongCodeLimit, code.Window, code.Now, none);
            if (settled.JustFilled)
            {
                await CloseCodeAndCompleteAsync(code.OperationId, code.ChallengeId, OperationState.Expired, none, releaseReference: false);
            }
            else if (result.JustClosed)
            {
                Complete(code.OperationId, OperationState.Expired, releaseReference: false);
            }

            return new OperationCodeStep(OperationCodeStepStatus.Tried, new CodeTry(result, JustFilled: settled.JustFilled, FullUntil: settled.FullUntil));
        }
        finally
        {
            smsCodeSteps.Release();
        }
    }

    public async Task<VerifyResult?> UseAppStepAsync(
        string customerId, string challengeId, string authenticatorId, long timeStep, WrongCodeUnit unit, DateTimeOffset now, CancellationToken cancellationToken,
        string? attemptChangeId = null)
    {
        ArgumentNullException.ThrowIfNull(unit);
        await smsCodeSteps.WaitAsync(cancellationToken);
        try
        {
            // The step used and the unit given back (one step of the authenticator store), then the SMS challenge ended only
            // if the step was used now, in the order the Redis script runs them. Not cancellable once begun.
            if (!await authenticators.TryUseStepAndGiveBackAsync(customerId, authenticatorId, timeStep, unit, now, CancellationToken.None))
            {
                return null;
            }

            var result = await challenges.AcceptOtherFactorAsync(challengeId, CancellationToken.None);
            if (attemptChangeId is not null && result.Status == VerifyStatus.Verified)
            {
                // The mark the attempt's commit takes (InMemoryCustomerStore.CommitPasswordAfterStepAsync), as the Redis script
                // leaves it, under the step's semaphore: only a step used now that signs leaves one.
                stepMarks.MarkStep(customerId, attemptChangeId);
            }

            return result;
        }
        finally
        {
            smsCodeSteps.Release();
        }
    }

    public Task<bool> TryCompleteAsync(string operationId, OperationState state, CancellationToken cancellationToken)
    {
        OperationRules.ThrowIfNotFinal(state);
        return Task.FromResult(Complete(operationId, state, releaseReference: true));
    }

    private bool Complete(string operationId, OperationState state, bool releaseReference)
    {
        lock (gate)
        {
            if (!operations.TryGetValue(operationId, out var current) || !OperationRules.CanComplete(current.State, state))
            {
                return false;
            }

            operations[operationId] = current with { State = state };
            if (releaseReference)
            {
                Release(current.Reference, operationId);
            }

            return true;
        }
    }

    // Under the lock. Mirrors the Redis reservation script: OperationRules.IsReferenceFree, then this operation holds it.
    private bool Reserve(string reference, string operationId, DateTimeOffset expiresAt)
    {
        sweeper.Sweep(operations, o => o.ExpiresAt);

        // A reference whose holder was closed or is past its end holds nothing: without this the reference map grew by
        // one entry per operation ever opened.
        referenceSweeper.Sweep(byReference, h => h.Open ? h.ExpiresAt : DateTimeOffset.MinValue);

        if (!OperationRules.IsReferenceFree(byReference.GetValueOrDefault(reference), operationId, time.GetUtcNow()))
        {
            return false;
        }

        byReference[reference] = new ReferenceHold(operationId, Open: true, expiresAt);
        return true;
    }

    // Under the lock. Mirrors the Redis release script: closed only if it still names this operation.
    private void Release(string reference, string operationId)
    {
        if (byReference.TryGetValue(reference, out var hold) && hold.OperationId == operationId)
        {
            byReference[reference] = hold with { Open = false };
        }
    }

    public void Dispose() => smsCodeSteps.Dispose();
}
