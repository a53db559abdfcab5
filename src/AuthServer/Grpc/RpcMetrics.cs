using System.Diagnostics.Metrics;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// How every RPC ended (meter <see cref="RecoveryMeter.Name"/>), by method, status and reason, so that explicit
/// shedding is told from errors. Recorded by <see cref="ErrorMappingInterceptor"/>, which sees every outcome.
/// </summary>
public sealed class RpcMetrics
{
    private readonly Counter<long> rpcs;

    public RpcMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        rpcs = meterFactory.Create(RecoveryMeter.Name).CreateCounter<long>("recovery.rpc.completed", "{call}",
            "RPCs answered, by method, gRPC status and error reason (OK for success).");
    }

    /// <param name="method">The gRPC method's full name, e.g. /recovery.v1.RecoveryService/StartRecovery.</param>
    /// <param name="status">The status code the call ended with.</param>
    /// <param name="reason">The ErrorInfo reason; OK for success.</param>
    public void RpcCompleted(string method, string status, string reason) =>
        rpcs.Add(1, new KeyValuePair<string, object?>("rpc.method", method), new KeyValuePair<string, object?>("rpc.grpc.status_code", status),
            new KeyValuePair<string, object?>("recovery.reason", reason));
}
