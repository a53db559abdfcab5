using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// With OTEL_EXPORTER_OTLP_ENDPOINT set the server exports traces: spans of the gRPC server, of Redis commands and of
/// outgoing HTTP calls, none of which holds a secret, a PAN, a document, a phone, an e-mail, a code, a password, a
/// token or an id of a recovery or an operation. Checked twice: on the spans as an in-memory exporter sees them
/// (every attribute, name, status text and event) and in the raw OTLP bodies a loopback receiver got.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xUnit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class TracingTests : SecretWalkTest, IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(20);

    private readonly OtlpReceiver receiver;
    private readonly SpanRecorder spans;

    public TracingTests(RedisServerFixture redis)
        : this(redis, new OtlpReceiver(), new SpanRecorder())
    {
    }

    private TracingTests(RedisServerFixture redis, OtlpReceiver receiver, SpanRecorder spans)
        : base(new ServerOptions(
            Redis: (redis.Server.Configuration, RedisServerFixture.UniquePrefix()),
            Settings: new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            },
            Services: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))))
    {
        this.receiver = receiver;
        this.spans = spans;
    }

    [Fact]
    public async Task FullWalk_OnRedis_GrpcAndRedisSpansExportedWithoutAnySecret()
    {
        var secrets = await WalkAsync();

        // The last call of the walk and a Redis command under a StartRecovery server span arrive...
        var lastCall = await spans.WaitForAsync(s => Tag(s, "url.path") == "/recovery.v1.DirectoryService/GetCustomerStatus", ExportWait);
        Assert.NotNull(lastCall);
        // (Other tests' in-process servers may run meanwhile: their spans are scrubbed too, but only this server's
        // Redis connection is instrumented, so a Redis span picks out this walk's StartRecovery.)
        const string StartRecovery = "/recovery.v1.RecoveryService/StartRecovery";
        bool IsStart(Activity s) => s.Kind == ActivityKind.Server && Tag(s, "url.path") == StartRecovery;
        var redisSpan = await spans.WaitForAsync(r => Tag(r, "db.system") == "redis" && spans.Snapshot().Any(s => IsStart(s) && s.TraceId == r.TraceId), ExportWait);
        Assert.NotNull(redisSpan);
        Assert.Matches("^[A-Z]+$", redisSpan.DisplayName);
        Assert.Matches("^[A-Z]+$", Tag(redisSpan, "db.statement") ?? "");
        var start = spans.Snapshot().Single(s => IsStart(s) && s.TraceId == redisSpan.TraceId);
        Assert.Equal(start.SpanId, redisSpan.ParentSpanId);
        Assert.Equal("POST", Tag(start, "http.request.method"));
        Assert.Equal((StartRecovery, "0"), (Tag(start, "grpc.method"), Tag(start, "grpc.status_code")));
        var exported = await WaitForOtlpAsync("/recovery.v1.DirectoryService/GetCustomerStatus");
        Assert.Contains("redis", exported, StringComparison.Ordinal);

        // ...and nothing secret is in any of them.
        foreach (var span in spans.Snapshot())
        {
            var text = Describe(span);
            foreach (var (what, value) in secrets)
            {
                Assert.False(text.Contains(value, StringComparison.Ordinal), $"The {what} is in a span: {text}");
            }
        }

        foreach (var (what, value) in secrets)
        {
            Assert.False(exported.Contains(value, StringComparison.Ordinal), $"The {what} was exported over OTLP.");
        }
    }

    [Fact]
    public async Task OutgoingHttpCall_UserAndQueryWithSecrets_SpanKeepsSchemeHostPortAndPathOnly()
    {
        // What an SMS gateway call looks like (Kannel's sendsms takes its password, the phone and the text in the query).
        using var gateway = new HttpListener();
        var port = LoopbackPorts.Free();
        gateway.Prefixes.Add($"http://127.0.0.1:{port}/");
        gateway.Start();
        var answer = Task.Run(async () =>
        {
            var context = await gateway.GetContextAsync();
            context.Response.StatusCode = 202;
            context.Response.Close();
        });
        using var client = new HttpClient();
        var url = $"http://kannel:Pw-Secreta-123@127.0.0.1:{port}/cgi-bin/sendsms?username=kannel&password=Pw-Secreta-123&to=%2B34612345331&text=Tu+codigo+493817";

        using (var response = await client.GetAsync(new Uri(url)).WaitAsync(RecoveryApi.Timeout))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await answer.WaitAsync(RecoveryApi.Timeout);
        var span = await spans.WaitForAsync(s => s.Kind == ActivityKind.Client && Tag(s, "server.port") == port.ToString(System.Globalization.CultureInfo.InvariantCulture), ExportWait);
        Assert.NotNull(span);
        Assert.Equal($"http://127.0.0.1:{port}/cgi-bin/sendsms", Tag(span, "url.full"));
        Assert.Equal("202", Tag(span, "http.response.status_code"));
        var text = Describe(span);
        foreach (var secret in new[] { "Pw-Secreta-123", "34612345331", "493817", "kannel" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await receiver.DisposeAsync();
    }

    private static string? Tag(Activity span, string key) => span.GetTagItem(key) switch
    {
        null => null,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    /// <summary>Everything of a span an exporter sends: name, attributes, status text, events and their attributes.</summary>
    private static string Describe(Activity span) =>
        string.Join(" | ", new[] { span.DisplayName, span.OperationName, span.StatusDescription ?? "" }
            .Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}").Append(e.Name)))
            .Concat(span.Links.SelectMany(l => l.Tags?.Select(t => $"link:{t.Key}={t.Value}") ?? [])));

    private async Task<string> WaitForOtlpAsync(string expected)
    {
        var deadline = DateTime.UtcNow + ExportWait;
        while (!receiver.Text("/v1/traces").Contains(expected, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var text = receiver.Text("/v1/traces");
        Assert.Contains(expected, text, StringComparison.Ordinal);
        return text;
    }
}
