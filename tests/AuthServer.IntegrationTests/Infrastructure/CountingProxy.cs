using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>Records <c>Interface.Method</c> in a <see cref="StoreCalls"/>, then forwards the call unchanged.</summary>
public class CountingProxy : DispatchProxy
{
    internal object Inner { get; set; } = null!;

    internal StoreCalls Recorder { get; set; } = null!;

    internal string Name { get; set; } = string.Empty;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);

        // The outbox's backlog is a node-local gauge that the metrics collector reads whenever it polls, not a
        // call of the RPC under test: recording it made the decoy comparison depend on when metrics were read.
        if (targetMethod.Name != "get_" + nameof(Notifications.INotificationOutbox.Backlog))
        {
            Recorder.Add(Name + "." + targetMethod.Name);
        }

        try
        {
            return targetMethod.Invoke(Inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}
