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

    public IOperationStore Wrap(IOperationStore inner) => Create(inner);

    public ICustomerStore Wrap(ICustomerStore inner) => Create(inner);

    internal async Task<VerifyResult?> StepAfterCommitAsync(string attempt, Func<Task<VerifyResult?>> step)
    {
        await Committed(attempt).WaitAsync(RecoveryApi.Timeout);
        var result = await step();
        steps.Enqueue((attempt, result?.Status));
        return result;
    }

    internal async Task<bool?> CommitAsync(string attempt, Task<bool?> commit)
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

    /// <summary>
    /// Arms one failure of the next unguarded commit, as a store that stops answering: "before" fails it without running it,
    /// "after" runs it, then fails, as a reply lost after the store applied the change (<see cref="Faults"/>).
    /// </summary>
    public void FailNextPlainCommit(string when) => Volatile.Write(ref failPlainCommit, when);

    internal Task<bool> PlainCommit(string changeId, Func<Task<bool>> commit)
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

    private T Create<T>(T inner)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, StepBehindCommitProxy<T>>();
        var p = (StepBehindCommitProxy<T>)(object)proxy;
        p.Inner = inner;
        p.Reorder = this;
        return proxy;
    }
}

/// <summary>The proxy behind <see cref="StepBehindCommit"/>. Public for DispatchProxy; not for direct use.</summary>
public class StepBehindCommitProxy<T> : DispatchProxy
    where T : class
{
    internal T Inner { get; set; } = null!;

    internal StepBehindCommit Reorder { get; set; } = null!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        var arguments = args ?? [];
        switch (method.Name)
        {
            case nameof(IOperationStore.UseAppStepAsync) when arguments[^1] is string attempt:
                return Reorder.StepAfterCommitAsync(attempt, () => (Task<VerifyResult?>)Call(method, arguments)!);
            case nameof(ICustomerStore.CommitPasswordAfterStepAsync):
                return Reorder.CommitAsync((string)arguments[5]!, (Task<bool?>)Call(method, arguments)!);
            case nameof(ICustomerStore.CommitPasswordAsync):
                return Reorder.PlainCommit((string)arguments[4]!, () => (Task<bool>)Call(method, arguments)!);
            default:
                return Call(method, arguments);
        }
    }

    private object? Call(MethodInfo method, object?[] arguments)
    {
        try
        {
            return method.Invoke(Inner, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
