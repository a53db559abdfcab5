using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Grpc;

namespace Recovery.AuthServer.Hosting;

public static class GrpcExtensions
{
    /// <summary>Largest request message: the biggest field is a 4 KiB captcha token.</summary>
    public const int MaxReceiveMessageSize = 16 * 1024;

    /// <summary>Kestrel's own floor for a request body or an answer (bytes per second, its default).</summary>
    public const int SlowClientBytesPerSecond = 240;

    /// <summary>How long a body or an answer may lag <see cref="SlowClientBytesPerSecond"/> before its connection is reset.</summary>
    public static readonly TimeSpan SlowClientGrace = TimeSpan.FromSeconds(30);

    public static IHostApplicationBuilder AddRecoveryGrpc(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc(o =>
        {
            // RequestFrameGuard refuses bigger messages first (with details); this stays as a second line.
            o.MaxReceiveMessageSize = MaxReceiveMessageSize;
            o.MaxSendMessageSize = 64 * 1024;
            o.EnableDetailedErrors = false;

            // No request compression: no channel compresses, RequestFrameGuard refuses compressed frames
            // (COMPRESSION_UNSUPPORTED), and this way no gzip payload is ever inflated (grpc-dotnet inflates
            // without a limit, and a broken stream would end as UNKNOWN).
            o.CompressionProviders = [];
            o.Interceptors.Add<ErrorMappingInterceptor>();

            // Inside the error mapping, so that their refusals (and the failures they pass through) are mapped
            // too; admission first (shedding costs nothing), then idempotency. Credentials are checked before all
            // of them, by the authorization middleware (AuthenticationExtensions), so that no unauthenticated call
            // reaches a stored response.
            o.Interceptors.Add<AdmissionInterceptor>();
            o.Interceptors.Add<IdempotencyInterceptor>();
        });
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            // Kestrel's default data rates (240 B/s after a 5 s grace) are enforced per HTTP/2 connection: when one
            // call's body or answer misses them, the whole connection is reset and every call on it fails without a
            // status detail (the UNAVAILABLE and INTERNAL answers without ErrorInfo of issue 12). A unary gRPC message
            // is a few hundred bytes sent at once, so the rate is only missed when this node is so busy (a burst
            // beyond its cores) that it reads late. The floor stays against slow-body attacks, but after a grace
            // longer than any deadline a channel sets: by then the caller has given up and the reset costs nobody.
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(SlowClientBytesPerSecond, SlowClientGrace);
            kestrel.Limits.MinResponseDataRate = new MinDataRate(SlowClientBytesPerSecond, SlowClientGrace);
        });
        UseGuardedMarshallers(builder.Services);
        AddInterceptors(builder.Services);
        builder.Services.AddSingleton<AdmissionGate>();
        builder.Services.AddSingleton<RpcMetrics>();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck("recovery", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        return builder;
    }

    public static IEndpointRouteBuilder MapRecoveryEndpoints(this IEndpointRouteBuilder app)
    {
        // Every method, health and reflection included, reads its body through the frame guard: hostile bytes
        // get a status with an ErrorInfo, never UNKNOWN or INTERNAL (docs/errors.md, MALFORMED_REQUEST).
        app.MapGrpcService<RecoveryGrpcService>().WithRequestFrameGuard(MaxReceiveMessageSize);
        app.MapGrpcService<AccessGrpcService>().WithRequestFrameGuard(MaxReceiveMessageSize);
        app.MapGrpcService<DirectoryGrpcService>().WithRequestFrameGuard(MaxReceiveMessageSize);
        app.MapGrpcService<CallCentreGrpcService>().WithRequestFrameGuard(MaxReceiveMessageSize);
        app.MapGrpcHealthChecksService().WithRequestFrameGuard(MaxReceiveMessageSize);
        app.MapGrpcReflectionService().WithRequestFrameGuard(MaxReceiveMessageSize);
        return app;
    }

    // grpc-dotnet takes an interceptor type registered in DI from the container (else it creates one per call): one
    // instance each for the whole process, so what must span calls (the shed-log throttle) is an instance field,
    // never static state. Their dependencies are singletons too.
    private static void AddInterceptors(IServiceCollection services)
    {
        services.AddSingleton<ErrorMappingInterceptor>();
        services.AddSingleton<AdmissionInterceptor>();
        services.AddSingleton<IdempotencyInterceptor>();
    }

    // grpc-dotnet discovers a generated service's methods with an open-generic IServiceMethodProvider<>
    // (BinderServiceMethodProvider) that binds the generated marshallers; ours does the same with marshallers
    // that refuse unparsable bytes as MALFORMED_REQUEST (see GuardedServiceMethodProvider for why there). Both
    // registered would map every method twice, so that one is removed (its sibling for ServerServiceDefinition
    // arguments, unused here, stays); if a grpc-dotnet upgrade renames it, this throws at start.
    private static void UseGuardedMarshallers(IServiceCollection services)
    {
        var defaults = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType?.Assembly == typeof(GrpcServiceOptions).Assembly
            && d.ImplementationType.Name == "BinderServiceMethodProvider`1").ToList();
        if (defaults.Count != 1)
        {
            throw new InvalidOperationException($"Expected grpc-dotnet's BinderServiceMethodProvider once, found it {defaults.Count} times.");
        }

        services.Remove(defaults[0]);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(GuardedServiceMethodProvider<>));
    }
}
