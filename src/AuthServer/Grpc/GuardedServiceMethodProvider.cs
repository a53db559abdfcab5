using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Discovers the methods of every mapped gRPC service (ours, health, reflection) from its generated
/// <c>BindService</c>, like grpc-dotnet's default provider, which <see cref="Hosting.GrpcExtensions"/> replaces
/// with this one, but through <see cref="GuardedServiceBinder{TService}"/>, so that every method's request
/// deserializer turns unparsable bytes into <c>MALFORMED_REQUEST</c>.
/// </summary>
/// <remarks>
/// Why here and not elsewhere: the deserializer runs inside grpc-dotnet's call handler before the interceptor
/// pipeline (for unary calls) and the generated <c>Method</c> objects are static and read-only, so the
/// marshaller a method is registered with is the one place where a parse failure can become a status with
/// details, without parsing every message twice and without an error log line per hostile request.
/// </remarks>
internal sealed class GuardedServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            var attribute = type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false);
            if (attribute is null)
            {
                continue;
            }

            // BindService(ServiceBinderBase, TServiceBase): the second parameter's type is the generated base.
            var bind = attribute.BindType.GetMethod(
                attribute.BindMethodName,
                BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static,
                binder: null,
                [typeof(ServiceBinderBase), type],
                modifiers: null)
                ?? throw new InvalidOperationException($"No {attribute.BindMethodName}(ServiceBinderBase, {type.Name}) on {attribute.BindType}.");
            bind.Invoke(null, [new GuardedServiceBinder<TService>(context, type), null]);
            return;
        }
    }
}
