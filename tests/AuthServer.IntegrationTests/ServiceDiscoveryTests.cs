using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>Scenario 14: the standard health service and server reflection, which ghz, grpcurl and buf curl rely on.</summary>
public sealed class ServiceDiscoveryTests : IntegrationTest
{
    [Fact]
    public async Task HealthCheck_RunningServer_Serving()
    {
        var health = new Health.HealthClient(Api.Channel);

        var response = await RecoveryApi.CallAsync(health.CheckAsync(new HealthCheckRequest(), RecoveryApi.Options()));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task ServerReflection_ListServices_NamesRecoveryAndAccessServices()
    {
        var services = await ListServicesAsync();

        Assert.Contains("recovery.v1.RecoveryService", services);
        Assert.Contains("recovery.v1.AccessService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task ServerReflection_FileContainingSymbol_DescribesRecoveryService()
    {
        var response = await ReflectAsync(new ServerReflectionRequest { FileContainingSymbol = "recovery.v1.RecoveryService" });

        var files = response.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes))
            .ToList();
        var service = Assert.Single(files.SelectMany(f => f.Service), s => s.Name == "RecoveryService");
        Assert.Equal(["StartRecovery", "ResendRecoveryCode", "ConfirmRecovery", "CreateCaptchaChallenge"], service.Method.Select(m => m.Name));
    }

    private async Task<string[]> ListServicesAsync()
    {
        var response = await ReflectAsync(new ServerReflectionRequest { ListServices = "" });
        return response.ListServicesResponse.Service.Select(s => s.Name).ToArray();
    }

    private async Task<ServerReflectionResponse> ReflectAsync(ServerReflectionRequest request)
    {
        var client = new ServerReflection.ServerReflectionClient(Api.Channel);
        using var timeout = new CancellationTokenSource(RecoveryApi.Timeout);
        using var call = client.ServerReflectionInfo(new CallOptions(deadline: DateTime.UtcNow + RecoveryApi.Deadline, cancellationToken: timeout.Token));
        await call.RequestStream.WriteAsync(request).WaitAsync(RecoveryApi.Timeout);
        await call.RequestStream.CompleteAsync().WaitAsync(RecoveryApi.Timeout);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token).WaitAsync(RecoveryApi.Timeout));
        var response = call.ResponseStream.Current;
        Assert.NotEqual(ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse, response.MessageResponseCase);
        return response;
    }
}
