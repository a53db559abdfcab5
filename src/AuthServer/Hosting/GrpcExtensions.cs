using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Grpc;

namespace Recovery.AuthServer.Hosting;

public static class GrpcExtensions
{
    /// <summary>Largest request message: the biggest field is a 4 KiB captcha token.</summary>
    public const int MaxReceiveMessageSize = 16 * 1024;

    public static IHostApplicationBuilder AddRecoveryGrpc(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxReceiveMessageSize;
            o.MaxSendMessageSize = 64 * 1024;
            o.EnableDetailedErrors = false;
            o.Interceptors.Add<ErrorMappingInterceptor>();

            // Inside the error mapping, so that their refusals (and the failures they pass through) are mapped
            // too; admission first (shedding costs nothing), then the channel credential, so that no
            // unauthenticated call reaches a stored response.
            o.Interceptors.Add<AdmissionInterceptor>();
            o.Interceptors.Add<ChannelAuthInterceptor>();
            o.Interceptors.Add<IdempotencyInterceptor>();
        }).AddServiceOptions<DirectoryGrpcService>(o =>
        {
            // The admin credential, for this service only; service interceptors run inside the global ones.
            o.Interceptors.Add<AdminTokenInterceptor>();
        }).AddServiceOptions<CallCentreGrpcService>(o =>
        {
            // The agents' credential, for this service only.
            o.Interceptors.Add<CallCentreAuthInterceptor>();
        });
        builder.Services.AddSingleton<AdmissionGate>();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck("recovery", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        return builder;
    }

    public static IEndpointRouteBuilder MapRecoveryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<RecoveryGrpcService>();
        app.MapGrpcService<AccessGrpcService>();
        app.MapGrpcService<DirectoryGrpcService>();
        app.MapGrpcService<CallCentreGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
