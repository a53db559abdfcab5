using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>
/// A server call context for unit-testing interceptors without a host: method, headers, deadline and cancellation as given, and an
/// <see cref="HttpContext"/> whose <see cref="HttpContext.User"/> is the principal a credential scheme admitted
/// (anonymous unless given), found by <c>GetHttpContext()</c> as grpc-dotnet documents for tests.
/// </summary>
internal sealed class TestCallContext : ServerCallContext
{
    private readonly string method;
    private readonly DateTime? deadline;
    private readonly CancellationToken cancellationToken;

    public TestCallContext(string method, Metadata? headers = null, DateTime? deadline = null, ClaimsPrincipal? user = null, CancellationToken cancellationToken = default)
    {
        this.method = method;
        this.deadline = deadline;
        this.cancellationToken = cancellationToken;
        RequestHeadersCore = headers ?? [];
        UserState["__HttpContext"] = new DefaultHttpContext { User = user ?? new ClaimsPrincipal(new ClaimsIdentity()) };
    }

    protected override string MethodCore => method;

    protected override string HostCore => "localhost";

    protected override string PeerCore => "ipv4:127.0.0.1:1";

    protected override DateTime DeadlineCore => deadline ?? DateTime.MaxValue;

    protected override Metadata RequestHeadersCore { get; }

    protected override CancellationToken CancellationTokenCore => cancellationToken;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override global::Grpc.Core.Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => new(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
