using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Issue 12's answers without ErrorInfo, reproduced on the real server process (Kestrel, not the test server): a
/// request body that arrives later than Kestrel's default data rate allows (240 B/s after a 5 s grace) made Kestrel
/// reset the whole HTTP/2 connection, so that call and every other call on the connection failed with no gRPC status
/// at all. Under a burst the server itself reads late; here the client sends late, which trips the same check. With
/// the server's grace (<c>GrpcExtensions.SlowClientGrace</c>, 30 s) the call gets its explicit answer and the
/// connection survives.
/// </summary>
public sealed class SlowRequestBodyTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    // Past Kestrel's default grace (5 s) and its once-a-second check, well within the server's.
    private static readonly TimeSpan Lag = TimeSpan.FromSeconds(7);

    [Fact]
    public async Task Login_BodyArrivesLate_ExplicitStatusWithErrorInfoAndTheConnectionLives()
    {
        var url = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        await using var server = ServerProcess.Start(url, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        });
        using var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
        using var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
        await server.WaitServingAsync(channel, StartTimeout);
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(url), Timeout = StartTimeout };

        // An empty LoginRequest, whose frame lags: refused for its missing fields, with ErrorInfo.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/recovery.v1.AccessService/Login")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new LaggingContent(RawGrpc.Frame([]), Lag),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("x-channel", "web");
        var slow = http.SendAsync(request, HttpCompletionOption.ResponseContentRead);

        // Another call on the same connection while the body lags: it would die with a reset connection.
        await Task.Delay(Lag - TimeSpan.FromSeconds(1));
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync.WaitAsync(RecoveryApi.Timeout);

        using var response = await slow.WaitAsync(RecoveryApi.Timeout);
        _ = await response.Content.ReadAsByteArrayAsync().WaitAsync(RecoveryApi.Timeout);
        var status = Header(response, "grpc-status");
        var details = Header(response, "grpc-status-details-bin");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture), status);
        Assert.NotNull(details);
        var info = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Padded(details))).Details
            .Single(d => d.Is(Google.Rpc.ErrorInfo.Descriptor)).Unpack<Google.Rpc.ErrorInfo>();
        Assert.Equal("INVALID_FIELDS", info.Reason);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailing) ? trailing.First()
        : response.Headers.TryGetValues(name, out var leading) ? leading.First()
        : null;

    private static string Padded(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');

    /// <summary>A body whose first byte goes at once and the rest after <paramref name="lag"/>.</summary>
    private sealed class LaggingContent(byte[] body, TimeSpan lag) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, 1));
            await stream.FlushAsync();
            await Task.Delay(lag);
            await stream.WriteAsync(body.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
