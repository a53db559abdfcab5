using Grpc.Core;
using Grpc.Core.Interceptors;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Sheds calls beyond <see cref="AdmissionOptions.MaxInFlight"/> at once, before any work, with UNAVAILABLE
/// OVERLOADED: under a flood the node answers the calls it can at full speed and tells the others to come back,
/// rather than accepting everything and slowing (or running out of memory) for everyone. Health and reflection
/// pass, so a load balancer still sees the node. Inside <see cref="ErrorMappingInterceptor"/>, before the rest.
/// </summary>
public sealed class AdmissionInterceptor(AdmissionGate gate) : Interceptor
{
    private const string Guarded = "/recovery.v1.";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation) =>
        AdmittedAsync(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        AdmittedAsync(context, () => continuation(requestStream, context));

    private async Task<TResponse> AdmittedAsync<TResponse>(ServerCallContext context, Func<Task<TResponse>> call)
    {
        if (!context.Method.StartsWith(Guarded, StringComparison.Ordinal))
        {
            return await call();
        }

        Admit();
        try
        {
            return await call();
        }
        finally
        {
            gate.Leave();
        }
    }

    private void Admit()
    {
        if (!gate.TryEnter())
        {
            OutcomeExtensions.Throw(Failure.Overloaded("This node"));
        }
    }
}
