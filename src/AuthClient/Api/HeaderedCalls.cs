using Grpc.Core;

namespace Recovery.Client;

/// <summary>
/// Calls that carry fixed headers (a credential) and a deadline, with failures surfaced as
/// <see cref="RecoveryClientException"/> and the caller's cancellation as <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class HeaderedCalls(Metadata headers, TimeSpan deadline)
{
    public TimeSpan Deadline { get; } = deadline;

    public async Task<TResponse> RunAsync<TResponse>(string operation, Func<CallOptions, Task<TResponse>> run, CancellationToken cancellationToken)
    {
        var options = new CallOptions(headers, DateTime.UtcNow + Deadline, cancellationToken);
        try
        {
            return await run(options).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"{operation} was cancelled by the caller.", ex, cancellationToken);
        }
        catch (RpcException ex)
        {
            throw RecoveryClientException.FromRpcException(ex, operation);
        }
    }
}
