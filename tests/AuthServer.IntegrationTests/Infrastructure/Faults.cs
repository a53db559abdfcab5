using System.Collections.Concurrent;
using System.Reflection;
using Recovery.AuthServer.Storage;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Failures armed by a test at a named point ("ICustomerStore.CommitPasswordAsync:after"), each fired
/// once, as a store that stops answering would: <see cref="StorageUnavailableException"/>. "before"
/// fails the call without running it; "after" runs it, then fails, as a reply lost after the store
/// applied the change.
/// </summary>
internal sealed class Faults
{
    private static readonly MethodInfo AfterTaskOf = typeof(Faults).GetMethod(nameof(AfterTaskAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private readonly ConcurrentDictionary<string, Func<object?[], bool>> armed = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> fired = new();

    public IReadOnlyCollection<string> Fired => fired.ToArray();

    public void Arm(string point, Func<object?[], bool>? when = null) => armed[point] = when ?? (_ => true);

    /// <summary>Wraps <paramref name="inner"/> so that every method of <typeparamref name="T"/> passes the points "T.Method:before" and ":after".</summary>
    public T Wrap<T>(T inner)
        where T : class
    {
        var name = typeof(T).Name;
        return Around.Create(inner, (method, args, proceed) => Through(name + "." + method.Name, method, args, proceed));
    }

    private object? Through(string point, MethodInfo method, object?[] args, Func<object?> proceed)
    {
        Pass(point + ":before", args);
        var result = proceed();
        if (!armed.ContainsKey(point + ":after"))
        {
            return result;
        }

        return result switch
        {
            ValueTask vt => new ValueTask(AfterAsync(vt.AsTask(), point, args)),
            Task task when method.ReturnType.IsGenericType =>
                AfterTaskOf.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(this, [task, point, args]),
            Task task => AfterAsync(task, point, args),
            _ => PassAfter(result, point, args),
        };
    }

    private void Pass(string point, object?[] args)
    {
        if (armed.TryGetValue(point, out var when) && when(args) && armed.TryRemove(point, out _))
        {
            fired.Enqueue(point);
            throw new StorageUnavailableException($"Injected failure at {point}.");
        }
    }

    private object? PassAfter(object? result, string point, object?[] args)
    {
        Pass(point + ":after", args);
        return result;
    }

    private async Task AfterAsync(Task task, string point, object?[] args)
    {
        await task;
        Pass(point + ":after", args);
    }

    private async Task<TResult> AfterTaskAsync<TResult>(Task<TResult> task, string point, object?[] args)
    {
        var result = await task;
        Pass(point + ":after", args);
        return result;
    }
}
