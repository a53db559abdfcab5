using System.Collections.Concurrent;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Recovery;

namespace Recovery.AuthServer.Storage.InMemory;

/// <param name="challenges">The challenges <see cref="TryCodeAsync"/> evaluates (the provider's one challenge store).</param>
/// <param name="ledger">The wrong-code ledger <see cref="TryCodeAsync"/> takes from (the provider's one ledger).</param>
public sealed class InMemoryRecoveryStore(TimeProvider time, InMemoryChallengeStore? challenges = null, InMemoryWrongCodeLedger? ledger = null) : IRecoveryStore
{
    // One try at a time: the take, the evaluation, the settle and the block of one try are one step, as the Redis
    // provider's one script is.
    private readonly Lock tries = new();

    private readonly ConcurrentDictionary<string, RecoveryRecord> recoveries = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);
    private readonly ConcurrentDictionary<string, CardBlock> cardBlocks = new(StringComparer.Ordinal);
    private readonly ExpirySweeper cardBlockSweeper = new(time);

    /// <summary>Card blocks held, forgotten ones not counted (for tests of the sweep).</summary>
    internal int CardBlockCount => cardBlocks.Count;

    /// <summary>Recoveries held (for tests of the sweep).</summary>
    internal int RecoveryCount => recoveries.Count;

    public Task CreateAsync(RecoveryRecord recovery, CancellationToken cancellationToken)
    {
        sweeper.Sweep(recoveries, r => r.ExpiresAt);
        if (!recoveries.TryAdd(recovery.Id, recovery))
        {
            throw new InvalidOperationException("Recovery id collision.");
        }

        return Task.CompletedTask;
    }

    public Task CreateWithCodeAsync(RecoveryRecord recovery, Challenge challenge, CancellationToken cancellationToken)
    {
        if (challenges is null)
        {
            throw new InvalidOperationException("This recovery store was made without the challenge store a recovery's code is kept in.");
        }

        // The Redis provider's one script needs both in one slot; refused here alike, so no caller relies on a pair
        // that only this provider would take.
        if (!RecoveryIds.SharesSlot(recovery.Id, challenge.Id))
        {
            throw new ArgumentException("The recovery's id does not name its challenge's group.", nameof(recovery));
        }

        // Under the tries' lock, as the Redis script is one step: both ids are checked before either is written.
        lock (tries)
        {
            if (recoveries.ContainsKey(recovery.Id) || challenges.GetAsync(challenge.Id, cancellationToken).GetAwaiter().GetResult() is not null)
            {
                throw new InvalidOperationException("Recovery id collision.");
            }

            challenges.CreateAsync(challenge, cancellationToken).GetAwaiter().GetResult();
            return CreateAsync(recovery, cancellationToken);
        }
    }

    public Task<ReissueResult?> ReissueCodeAsync(string card, string challengeId, ChallengeReissue reissue, CancellationToken cancellationToken)
    {
        if (challenges is null)
        {
            throw new InvalidOperationException("This recovery store was made without the challenge store a recovery's code is kept in.");
        }

        // Refused alike on both providers: the Redis script needs the block and the challenge in one slot.
        if (!GroupedId.SameGroup(card, challengeId))
        {
            throw new ArgumentException("The card and the challenge are not in one group.", nameof(card));
        }

        // Under the tries' lock, as the Redis script is one step: a block set between the check and the reissue is not missed.
        lock (tries)
        {
            if (cardBlocks.TryGetValue(card, out var block) && block.Until > reissue.Now)
            {
                return Task.FromResult<ReissueResult?>(null);
            }

            return Task.FromResult<ReissueResult?>(challenges.ReissueAsync(challengeId, reissue.NewMac, reissue.Now, reissue.Limits, cancellationToken).GetAwaiter().GetResult());
        }
    }

    public Task<RecoveryRecord?> GetAsync(string recoveryId, CancellationToken cancellationToken) =>
        Task.FromResult(recoveries.TryGetValue(recoveryId, out var r) && r.ExpiresAt > time.GetUtcNow() ? r : null);

    public Task<DateTimeOffset> BlockCardAsync(string cardHash, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, CancellationToken cancellationToken, DateTimeOffset? atLeastUntil = null)
    {
        // Every card ever blocked would otherwise stay in memory for good: a stranger typing wrong codes
        // against random card numbers could grow the map without bound. Swept like the Redis key expires.
        cardBlockSweeper.Sweep(cardBlocks, b => b.ForgetAt);
        var block = cardBlocks.AddOrUpdate(
            cardHash,
            _ => Block(now, 0, firstBlock, maxBlock, atLeastUntil),
            (_, b) => Block(now, b.ForgetAt > now ? b.Count : 0, firstBlock, maxBlock, atLeastUntil));
        return Task.FromResult(block.Until);
    }

    public Task<DateTimeOffset?> GetCardBlockAsync(string cardHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(cardBlocks.TryGetValue(cardHash, out var b) && b.Until > now ? b.Until : (DateTimeOffset?)null);

    public Task<RecoveryCodeTried> TryCodeAsync(RecoveryCodeTry codeTry, CancellationToken cancellationToken)
    {
        if (challenges is null || ledger is null)
        {
            throw new InvalidOperationException("This recovery store was made without the challenge store and ledger a code try needs.");
        }

        var t = codeTry;
        lock (tries)
        {
            // The stores below are in memory: each answers at once, so nothing here waits while holding the lock.
            if (cardBlocks.TryGetValue(t.Card, out var block) && block.Until > t.Now)
            {
                return Task.FromResult(new RecoveryCodeTried(new CodeTry(new VerifyResult(VerifyStatus.Closed), Refused: true), null));
            }

            var take = ledger.TakeAsync(t.Scopes, t.Token, t.WrongCodeLimit, t.WrongCodeWindow, t.Now, cancellationToken).GetAwaiter().GetResult();
            if (!take.Granted)
            {
                return Task.FromResult(new RecoveryCodeTried(new CodeTry(new VerifyResult(VerifyStatus.Closed), Exhausted: true, FullUntil: take.FreesAt), null));
            }

            var result = challenges.VerifyAsync(t.ChallengeId, t.PresentedMac, t.Now, t.Limits, cancellationToken).GetAwaiter().GetResult();
            var settled = ledger.SettleAsync(t.Scopes, t.Token, result.Counted, t.WrongCodeLimit, t.WrongCodeWindow, t.Now, cancellationToken).GetAwaiter().GetResult();
            DateTimeOffset? cardUntil = result.JustClosed || settled.JustFilled
                ? BlockCardAsync(t.Card, t.Now, t.FirstBlock, t.MaxBlock, cancellationToken, settled.FullUntil).GetAwaiter().GetResult()
                : null;
            return Task.FromResult(new RecoveryCodeTried(new CodeTry(result, JustFilled: settled.JustFilled, FullUntil: settled.FullUntil), cardUntil));
        }
    }

    public Task SetStateAsync(string recoveryId, RecoveryState state, CancellationToken cancellationToken)
    {
        recoveries.AddOrUpdate(recoveryId, _ => throw new InvalidOperationException("Unknown recovery."), (_, r) => r with { State = state });
        return Task.CompletedTask;
    }

    // The count outlives the block so that the next one is longer (RecoveryBlock.CountRetention), and is forgotten
    // when the Redis provider's key expires.
    private static CardBlock Block(DateTimeOffset now, int count, TimeSpan firstBlock, TimeSpan maxBlock, DateTimeOffset? atLeastUntil)
    {
        var (until, blocks) = RecoveryBlock.Escalate(count, now, firstBlock, maxBlock, atLeastUntil);
        return new CardBlock(until, blocks, until + RecoveryBlock.CountRetention(maxBlock));
    }

    private sealed record CardBlock(DateTimeOffset Until, int Count, DateTimeOffset ForgetAt);
}
