using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// gRPC calls as bytes over HTTP/2 (an <see cref="HttpClient"/> on the in-process server's handler): request
/// bodies a generated client cannot send (bytes that are not the message, invalid UTF-8, framing that lies).
/// The answer's status is read where gRPC puts it (trailers, or the headers of a trailers-only response),
/// with its google.rpc.Status details.
/// </summary>
internal sealed class RawGrpc(HttpMessageHandler handler, Uri baseAddress) : IDisposable
{
    public const string AgentId = "agente.fuzz";

    /// <summary>The published development tokens of appsettings.Development.json.</summary>
    private const string CallCentreToken = "REVWRUxPUE1FTlQtY2FsbC1jZW50cmUtdG9rZW4tbm90LWEtc2VjcmV0LTAx";

    private readonly HttpClient http = new(handler) { BaseAddress = baseAddress, Timeout = RecoveryApi.Timeout };

    /// <summary>One gRPC frame: not compressed, the payload's length, the payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload) => Frame(payload, 0, (uint)payload.Length);

    /// <summary>A frame with the given flag and declared length (which may lie about the payload).</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, byte flag, uint declaredLength)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>Headers that open the service of <paramref name="path"/> in Development (channel, admin, agent).</summary>
    public static IReadOnlyList<(string Name, string Value)> CredentialsFor(string path) => path switch
    {
        _ when path.StartsWith("/recovery.v1.DirectoryService/", StringComparison.Ordinal) =>
            [("authorization", "Bearer " + SyntheticCustomer.DevAdminToken)],
        _ when path.StartsWith("/recovery.v1.CallCentreService/", StringComparison.Ordinal) =>
            [("authorization", "Bearer " + CallCentreToken), ("x-agent-id", AgentId)],
        _ => [("x-channel", "web")],
    };

    /// <summary>POSTs <paramref name="body"/> (already framed) to <paramref name="path"/> with the service's credentials.</summary>
    public async Task<RawAnswer> CallAsync(string path, byte[] body, IEnumerable<(string Name, string Value)>? extraHeaders = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("grpc-timeout", "10S");
        foreach (var (name, value) in CredentialsFor(path).Concat(extraHeaders ?? []))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead).WaitAsync(RecoveryApi.Timeout);
        var content = await response.Content.ReadAsByteArrayAsync().WaitAsync(RecoveryApi.Timeout);
        var status = Header(response, "grpc-status");
        var details = Header(response, "grpc-status-details-bin");
        return new RawAnswer(
            response.StatusCode,
            status is null ? null : (StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture),
            Header(response, "grpc-message"),
            details is null ? null : Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Padded(details))),
            content);
    }

    public void Dispose() => http.Dispose();

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.FirstOrDefault()
        : response.Headers.TryGetValues(name, out var header) ? header.FirstOrDefault()
        : null;

    // gRPC sends binary metadata as base64 and may leave out the padding.
    private static string Padded(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
}
