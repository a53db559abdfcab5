using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Passes every call of an interface through a test's <c>around</c> function, which runs the real implementation through
/// <c>proceed</c> and may record the call (<see cref="StoreCalls"/>), hold it back, or fail it before or after it ran as
/// a store that stops answering would (<see cref="Faults"/>, <see cref="StepBehindCommit"/>). The one DispatchProxy of
/// the tests' store decorators, so that unwrapping a reflected call's exception is written once.
/// </summary>
internal static class Around
{
    /// <summary><paramref name="inner"/> seen through <paramref name="around"/>(method, arguments, proceed).</summary>
    public static T Create<T>(T inner, Func<MethodInfo, object?[], Func<object?>, object?> around)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, AroundProxy<T>>();
        var self = (AroundProxy<T>)(object)proxy;
        self.Inner = inner;
        self.Function = around;
        return proxy;
    }
}

/// <summary>The proxy behind <see cref="Around.Create{T}"/>. Public for DispatchProxy; not for direct use.</summary>
public class AroundProxy<T> : DispatchProxy
    where T : class
{
    internal T Inner { get; set; } = null!;

    internal Func<MethodInfo, object?[], Func<object?>, object?> Function { get; set; } = null!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        var arguments = args ?? [];
        return Function(method, arguments, () =>
        {
            try
            {
                return method.Invoke(Inner, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        });
    }
}
