using Grpc.Core;

namespace Recovery.Client.Burst;

/// <summary>
/// <c>grpc.health.v1.Health/Check</c> for the whole server (empty service name), over raw bytes: the client
/// needs no generated health types for the cheapest RPC the server has, which is all the anchor wants.
/// </summary>
internal sealed class HealthProbe(CallInvoker invoker, TimeSpan deadline)
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private static readonly Method<byte[], byte[]> Check = new(MethodType.Unary, "grpc.health.v1.Health", "Check", Bytes, Bytes);

    // HealthCheckRequest{service=""} encodes as no bytes at all.
    private static readonly byte[] WholeServer = [];

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var call = invoker.AsyncUnaryCall(Check, null, new CallOptions(deadline: DateTime.UtcNow + deadline, cancellationToken: cancellationToken), WholeServer);
            await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // As RecoveryClient does: the caller's cancellation is an OperationCanceledException, which the CLI maps to 130.
            throw new OperationCanceledException("Health/Check was cancelled by the caller.", ex, cancellationToken);
        }
        catch (RpcException ex)
        {
            throw RecoveryClientException.FromRpcException(ex, "Health/Check");
        }
    }
}
