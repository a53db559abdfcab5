using System.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.Hosting;

namespace Recovery.AuthServer.UnitTests.Grpc;

/// <summary>
/// Interceptors are DI singletons (grpc-dotnet then takes the one instance from the container instead of
/// creating one per call) and keep no static mutable state: what spans calls is an instance field.
/// </summary>
public class InterceptorLifetimeTests
{
    [Fact]
    public void AddRecoveryGrpc_EveryRegisteredInterceptor_IsASingletonInTheContainer()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddRecoveryGrpc();
        using var provider = builder.Services.BuildServiceProvider();

        var types = provider.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.Interceptors
            .Concat(provider.GetRequiredService<IOptions<GrpcServiceOptions<DirectoryGrpcService>>>().Value.Interceptors)
            .Concat(provider.GetRequiredService<IOptions<GrpcServiceOptions<CallCentreGrpcService>>>().Value.Interceptors)
            .Select(r => r.Type)
            .Distinct()
            .ToList();

        Assert.Contains(typeof(ErrorMappingInterceptor), types);
        Assert.Contains(typeof(AdmissionInterceptor), types);
        Assert.Contains(typeof(IdempotencyInterceptor), types);
        Assert.All(types, type => Assert.Equal(
            ServiceLifetime.Singleton,
            Assert.Single(builder.Services, d => d.ServiceType == type).Lifetime));
    }

    [Fact]
    public void Interceptors_InTheServerAssembly_HaveNoStaticMutableField()
    {
        var interceptors = typeof(ErrorMappingInterceptor).Assembly.GetTypes()
            .Where(t => typeof(Interceptor).IsAssignableFrom(t))
            .ToList();

        Assert.Contains(typeof(ErrorMappingInterceptor), interceptors);
        var mutable = interceptors
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !f.IsLiteral && !f.IsInitOnly)
                .Select(f => $"{t.Name}.{f.Name}"))
            .ToList();
        Assert.Empty(mutable);
    }
}
