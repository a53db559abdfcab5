using Grpc.Core;
using Grpc.Net.Client;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The credentials' refusals over the real Kestrel HTTP/2 server (not the in-process test server): the
/// authorization middleware's answer is a trailers-only gRPC response a stock client reads as a status with its
/// google.rpc details, for a unary and a client-streaming call alike, and the server keeps serving.
/// </summary>
public sealed partial class ProductionStartTests
{
    [Fact]
    public async Task Start_CredentialsRefusedOverKestrel_GrpcStatusesWithErrorInfoAndStillServing()
    {
        var webToken = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var grpcPort = LoopbackPorts.Free();
        await using var server = ServerProcess.Start($"http://127.0.0.1:{grpcPort}", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Channels__Tokens__web__0"] = webToken,
        });
        using var grpc = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        await server.WaitServingAsync(grpc, StartTimeout);
        static CallOptions With(params (string Key, string Value)[] headers)
        {
            var metadata = new Metadata();
            foreach (var (key, value) in headers)
            {
                metadata.Add(key, value);
            }

            return new CallOptions(metadata, DateTime.UtcNow + RecoveryApi.Deadline);
        }

        var recovery = new RecoveryService.RecoveryServiceClient(grpc);
        var noToken = await RpcError.FromAsync(() => recovery.StartRecoveryAsync(new StartRecoveryRequest(), With()).ResponseAsync.WaitAsync(RecoveryApi.Timeout));
        var mismatch = await RpcError.FromAsync(() => recovery.StartRecoveryAsync(new StartRecoveryRequest(), With(("authorization", "Bearer " + webToken), ("x-channel", "ivr"))).ResponseAsync.WaitAsync(RecoveryApi.Timeout));
        var badAgent = await RpcError.FromAsync(() => new CallCentreService.CallCentreServiceClient(grpc)
            .LookupOperationAsync(new LookupOperationRequest { Reference = "12345678" }, With(("authorization", "Bearer REVWRUxPUE1FTlQtY2FsbC1jZW50cmUtdG9rZW4tbm90LWEtc2VjcmV0LTAx"), ("x-agent-id", "agente uno")))
            .ResponseAsync.WaitAsync(RecoveryApi.Timeout));
        var streaming = await RpcError.FromAsync(async () =>
        {
            using var call = new DirectoryService.DirectoryServiceClient(grpc).ImportCustomers(With(("authorization", "Bearer " + webToken)));
            try
            {
                await call.RequestStream.WriteAsync(new ImportCustomersRequest { Customer = SyntheticCustomer.Make(400) }).WaitAsync(RecoveryApi.Timeout);
                await call.RequestStream.CompleteAsync().WaitAsync(RecoveryApi.Timeout);
            }
            catch (RpcException)
            {
                // Refused before the client finished writing: the status is read from the response below.
            }

            await call.ResponseAsync.WaitAsync(RecoveryApi.Timeout);
        });

        noToken.Is(StatusCode.Unauthenticated, "CHANNEL_TOKEN_INVALID");
        mismatch.Is(StatusCode.PermissionDenied, "CHANNEL_MISMATCH");
        badAgent.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
        Assert.Equal(["x-agent-id"], badAgent.Fields);
        streaming.Is(StatusCode.Unauthenticated, "ADMIN_TOKEN_INVALID");
        await server.WaitServingAsync(grpc, StartTimeout);
        Assert.DoesNotContain(webToken, server.Stdout + server.Stderr, StringComparison.Ordinal);
    }
}
