using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.Customers;

/// <summary>
/// All or nothing for a credential change and the messages that announce it: a recovery's user code
/// and temporary password, a password change's e-mail. The messages are sent if and only if the change
/// applied, whatever fails in between and on whichever provider.
/// </summary>
/// <remarks>
/// The change and the outbox are different atomic units (on Redis, different hash slots, so one script
/// cannot span them on Cluster). The messages are therefore held (stored, not deliverable; sent first, in the
/// same round trip as the change), the change records its own outcome in the same atomic step that applies it
/// and announces it, and the messages are released or deleted to match. Any failure after the hold is settled
/// by asking the customer's record for the change's outcome, which decides "dropped" if the change had not
/// applied so that it never can later; the messages are released or dropped to match. If this node cannot
/// settle (the store is down, the process dies), a Redis dispatcher settles the hold once
/// <see cref="NotificationOptions.HoldTimeout"/> has passed. See docs/architecture.md, "All or nothing".
/// </remarks>
public sealed partial class CredentialChanges(ICustomerStore customers, INotificationOutbox outbox, ILogger<CredentialChanges> logger)
{
    /// <summary>The id under which a confirmed recovery's restore is recorded and its messages held.</summary>
    public static string OfRecovery(string recoveryId) => "rec:" + recoveryId;

    /// <summary>The id under which a signed operation's password change is recorded and its e-mail held.</summary>
    public static string OfOperation(string operationId) => "op:" + operationId;

    /// <summary>
    /// Holds <paramref name="messages"/> and runs <paramref name="change"/> in one round trip: the hold is sent first and
    /// the change right behind it, without waiting for the hold's answer. The change's store step must record
    /// <paramref name="changeId"/>'s outcome, applied or dropped, atomically with what it changes, announce it (so that
    /// the release costs nothing: <see cref="INotificationOutbox.ReleaseAnnouncedAsync"/>,
    /// <see cref="INotificationOutbox.DropAnnouncedAsync"/>) and refuse to apply once that change was settled;
    /// <paramref name="applied"/> says whether its result is an applied change. If the hold is refused (the outbox is
    /// full, or did not answer) and the change applied anyway, the messages are queued after it, whatever the outbox's
    /// room (<see cref="INotificationOutbox.EnqueueCommittedAsync"/>: the change has committed): one more round trip on
    /// that path only, and only a store that does not answer can make that queueing fail, which is then the caller's
    /// answer. A hold that failed without telling whether it ran (a timeout) may so leave the messages sent twice, never
    /// not at all. <paramref name="alongsideChange"/>, when given, is sent beside the change and runs whether it applies
    /// or not, so it must be bookkeeping that is true either way once the change was tried (a recovery's code is spent by
    /// then); its failure is the caller's, after the messages were settled. Not cancellable once started: a caller
    /// hanging up must not leave a change half settled.
    /// </summary>
    public async Task<T> ApplyBesideHoldAsync<T>(
        string customerId,
        string changeId,
        IReadOnlyList<Notification> messages,
        Func<CancellationToken, Task<T>> change,
        Func<T, bool> applied,
        Func<Task>? alongsideChange = null)
    {
        // Sent first: on one connection the hold reaches the store before the change. (On a Redis Cluster the two go to
        // different nodes and may run in either order; the outbox's dispatchers settle the hold either way.)
        var holding = TryHoldAsync(changeId, customerId, messages);
        Task<T> changing;
        try
        {
            changing = change(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // A delegate that throws before its first await fails like any other change.
            changing = Task.FromException<T>(ex);
        }

        var beside = RunAsync(alongsideChange);
        T result;
        try
        {
            result = await changing;
        }
        catch (Exception)
        {
            // The change may or may not have applied (a timeout after the store ran it): its record decides, and the
            // messages follow it, queued now if their hold had failed. What ran beside it is awaited (its own failure
            // dropped) so that nothing is left running unobserved.
            var refusedHold = await holding;
            if (await SettleQuietlyAsync(customerId, changeId) == true && refusedHold is not null)
            {
                await EnqueueQuietlyAsync(messages);
            }

            await beside.ContinueWith(static _ => { }, TaskScheduler.Default);
            throw;
        }

        if (await holding is null)
        {
            // The change's own step settled the hold (released or deleted by the dispatcher that hears it, on Redis).
            await (applied(result)
                ? outbox.ReleaseAnnouncedAsync(changeId, CancellationToken.None)
                : outbox.DropAnnouncedAsync(changeId, CancellationToken.None));
        }
        else if (applied(result))
        {
            // Nothing held, and the change applied: its messages must still go.
            try
            {
                await outbox.EnqueueCommittedAsync(messages, CancellationToken.None);
            }
            catch (FailureException ex)
            {
                LogMessagesLost(ex.Failure.Reason);
                await beside.ContinueWith(static _ => { }, TaskScheduler.Default);
                throw;
            }
        }

        await beside;
        return result;
    }

    /// <summary>
    /// Whether change <paramref name="changeId"/> applied, deciding "dropped" if it had not (so it never
    /// can), with its held messages released or dropped to match.
    /// </summary>
    public async Task<bool> SettleAsync(string customerId, string changeId, CancellationToken cancellationToken)
    {
        var applied = await customers.SettleChangeAsync(customerId, changeId, CancellationToken.None);
        if (applied)
        {
            await outbox.ReleaseAsync(changeId, CancellationToken.None);
        }
        else
        {
            await outbox.DropAsync(changeId, CancellationToken.None);
        }

        return applied;
    }

    // A delegate that throws before its first await becomes a faulted task like any other failure.
    private static async Task RunAsync(Func<Task>? work)
    {
        if (work is not null)
        {
            await work();
        }
    }

    // The change's outcome, or null when it could not be settled now.
    private async Task<bool?> SettleQuietlyAsync(string customerId, string changeId)
    {
        try
        {
            return await SettleAsync(customerId, changeId, CancellationToken.None);
        }
        catch (FailureException ex)
        {
            // A refusal (the store did not answer, the outbox is full): the hold stays; a dispatcher settles it
            // after Notifications:HoldTimeout (Redis). The caller's own failure is what the client sees.
            LogLeftForDispatcher(ex.Failure.Reason);
            return null;
        }
    }

    // The hold's refusal, or null when the messages are held. Not thrown: the change sent behind it runs either way.
    private async Task<FailureException?> TryHoldAsync(string changeId, string customerId, IReadOnlyList<Notification> messages)
    {
        try
        {
            await outbox.HoldAsync(changeId, customerId, messages, CancellationToken.None);
            return null;
        }
        catch (FailureException ex)
        {
            return ex;
        }
    }

    private async Task EnqueueQuietlyAsync(IReadOnlyList<Notification> messages)
    {
        try
        {
            await outbox.EnqueueCommittedAsync(messages, CancellationToken.None);
        }
        catch (FailureException ex)
        {
            // The caller's own failure is what the client sees; the change applied without its messages.
            LogMessagesLost(ex.Failure.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A credential change could not be settled now ({Error}); its held messages are left for a dispatcher to settle")]
    private partial void LogLeftForDispatcher(string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A change applied but neither its hold nor the queueing of its messages succeeded ({Error}); its messages were not sent")]
    private partial void LogMessagesLost(string error);
}
