using System.Collections.Concurrent;
using System.Reflection;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a signature's app step (<see cref="IOperationStore.UseAppStepAsync"/> with an attempt id) only once that attempt's
/// guarded commit (<see cref="ICustomerStore.CommitPasswordAfterStepAsync"/>) has answered: the two reordered, as they are
/// when the step's script is re-sent after a NOSCRIPT answer (Redis lost its script cache in a restart or failover) while
/// the commit sent behind it runs, or, in memory, when the step waits for the node's code-step semaphore that another
/// signature holds while the commit, which needs none, runs. Nothing is answered in the stores' place: each runs whole,
/// only later. Waits are bounded by <see cref="RecoveryApi.Timeout"/>, never by a sleep.
/// </summary>
internal sealed class StepBehindCommit
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> commits = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Attempt, bool? Committed)> guarded = new();
    private readonly ConcurrentQueue<string> plainCommits = new();
    private readonly ConcurrentQueue<(string Attempt, VerifyStatus? Step)> steps = new();
    private string? failPlainCommit;

    /// <summary>The guarded commits that answered, in order: the attempt id and what each answered (null: no mark found).</summary>
    public IReadOnlyCollection<(string Attempt, bool? Committed)> GuardedCommits => guarded.ToArray();

    /// <summary>The change ids of the unguarded commits (<see cref="ICustomerStore.CommitPasswordAsync"/>) that answered.</summary>
    public IReadOnlyCollection<string> PlainCommits => plainCommits.ToArray();

    /// <summary>The app steps run behind their commit: the attempt id and the step's answer (null for a replay).</summary>
    public IReadOnlyCollection<(string Attempt, VerifyStatus? Step)> StepsRunBehind => steps.ToArray();

    public IOperationStore Wrap(IOperationStore inner) => Around.Create(inner, Reorder);

    public ICustomerStore Wrap(ICustomerStore inner) => Around.Create(inner, Reorder);

    /// <summary>
    /// Arms one failure of the next unguarded commit, as a store that stops answering: "before" fails it without running it,
    /// "after" runs it, then fails, as a reply lost after the store applied the change (<see cref="Faults"/>).
    /// </summary>
    public void FailNextPlainCommit(string when) => Volatile.Write(ref failPlainCommit, when);

    // The three calls the reorder concerns (the app step with an attempt id, its guarded commit, the plain commit); every
    // other call of either store runs as it is.
    private object? Reorder(MethodInfo method, object?[] args, Func<object?> proceed) => method.Name switch
    {
        nameof(IOperationStore.UseAppStepAsync) when args[^1] is string attempt => StepAfterCommitAsync(attempt, () => (Task<VerifyResult?>)proceed()!),
        nameof(ICustomerStore.CommitPasswordAfterStepAsync) => CommitAsync((string)args[5]!, (Task<bool?>)proceed()!),
        nameof(ICustomerStore.CommitPasswordAsync) => PlainCommit((string)args[4]!, () => (Task<bool>)proceed()!),
        _ => proceed(),
    };

    private async Task<VerifyResult?> StepAfterCommitAsync(string attempt, Func<Task<VerifyResult?>> step)
    {
        await Committed(attempt).WaitAsync(RecoveryApi.Timeout);
        var result = await step();
        steps.Enqueue((attempt, result?.Status));
        return result;
    }

    private async Task<bool?> CommitAsync(string attempt, Task<bool?> commit)
    {
        try
        {
            var result = await commit;
            guarded.Enqueue((attempt, result));
            return result;
        }
        finally
        {
            Commit(attempt).TrySetResult();
        }
    }

    private Task<bool> PlainCommit(string changeId, Func<Task<bool>> commit)
    {
        var fail = Interlocked.Exchange(ref failPlainCommit, null);
        if (fail == "before")
        {
            throw new StorageUnavailableException("Injected failure before the commit.");
        }

        return PlainCommitAsync(changeId, commit(), fail == "after");
    }

    private async Task<bool> PlainCommitAsync(string changeId, Task<bool> commit, bool failAfter)
    {
        var result = await commit;
        plainCommits.Enqueue(changeId);
        return failAfter ? throw new StorageUnavailableException("Injected failure after the commit.") : result;
    }

    private Task Committed(string attempt) => Commit(attempt).Task;

    private TaskCompletionSource Commit(string attempt) =>
        commits.GetOrAdd(attempt, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
