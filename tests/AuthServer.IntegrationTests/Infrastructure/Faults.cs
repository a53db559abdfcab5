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
    private readonly ConcurrentDictionary<string, Func<object?[], bool>> armed = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> fired = new();

    public IReadOnlyCollection<string> Fired => fired.ToArray();

    public void Arm(string point, Func<object?[], bool>? when = null) => armed[point] = when ?? (_ => true);

    /// <summary>Wraps <paramref name="inner"/> so that every method of <typeparamref name="T"/> passes the points "T.Method:before" and ":after".</summary>
    public T Wrap<T>(T inner)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, FaultProxy<T>>();
        var fp = (FaultProxy<T>)(object)proxy;
        fp.Inner = inner;
        fp.Faults = this;
        return proxy;
    }

    internal void Pass(string point, object?[] args)
    {
        if (armed.TryGetValue(point, out var when) && when(args) && armed.TryRemove(point, out _))
        {
            fired.Enqueue(point);
            throw new StorageUnavailableException($"Injected failure at {point}.");
        }
    }

    internal bool IsArmed(string point) => armed.ContainsKey(point);
}

/// <summary>The proxy behind <see cref="Faults.Wrap{T}"/>. Public for DispatchProxy; not for direct use.</summary>
public class FaultProxy<T> : DispatchProxy
    where T : class
{
    private static readonly MethodInfo AfterTaskOf = typeof(FaultProxy<T>).GetMethod(nameof(AfterTaskAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;

    internal T Inner { get; set; } = null!;

    internal Faults Faults { get; set; } = null!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        var arguments = args ?? [];
        var point = typeof(T).Name + "." + method.Name;
        Faults.Pass(point + ":before", arguments);
        object? result;
        try
        {
            result = method.Invoke(Inner, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }

        if (!Faults.IsArmed(point + ":after"))
        {
            return result;
        }

        return result switch
        {
            ValueTask vt => new ValueTask(AfterAsync(vt.AsTask(), point, arguments)),
            Task task when method.ReturnType.IsGenericType =>
                AfterTaskOf.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(this, [task, point, arguments]),
            Task task => AfterAsync(task, point, arguments),
            _ => PassAfter(result, point, arguments),
        };
    }

    private object? PassAfter(object? result, string point, object?[] args)
    {
        Faults.Pass(point + ":after", args);
        return result;
    }

    private async Task AfterAsync(Task task, string point, object?[] args)
    {
        await task;
        Faults.Pass(point + ":after", args);
    }

    private async Task<TResult> AfterTaskAsync<TResult>(Task<TResult> task, string point, object?[] args)
    {
        var result = await task;
        Faults.Pass(point + ":after", args);
        return result;
    }
}
