using System.Net;
using Google.Rpc;
using Grpc.Core;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>The answer to a <see cref="RawGrpc"/> call: HTTP status, gRPC status, message and details.</summary>
internal sealed record RawAnswer(HttpStatusCode HttpStatus, StatusCode? Status, string? Message, Google.Rpc.Status? Details, byte[] Body)
{
    /// <summary>The ErrorInfo reason of the details, if any.</summary>
    public string? Reason => Details?.Details.Select(d => d.TryUnpack<ErrorInfo>(out var info) ? info : null).FirstOrDefault(i => i is not null)?.Reason;

    /// <summary>Asserts a refusal with this status, this ErrorInfo reason and details that agree with the status.</summary>
    public RawAnswer Is(StatusCode status, string reason)
    {
        Assert.Equal((HttpStatusCode.OK, status, reason), (HttpStatus, Status, Reason));
        Assert.Equal((int)status, Details!.Code);
        return this;
    }

    public override string ToString() => $"HTTP {(int)HttpStatus}, {Status?.ToString() ?? "no grpc-status"} {Reason ?? "(no ErrorInfo)"}: {Message}";
}
