using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on a free loopback port that speaks the siteverify protocol of reCAPTCHA, hCaptcha and
/// Turnstile: POST form <c>secret</c>, <c>response</c>, optional <c>remoteip</c>; JSON answer. It knows the
/// tokens a test "issued" (<see cref="Issue"/>) and answers for each what the provider would; any other token
/// gets <c>invalid-input-response</c>, a wrong secret <c>invalid-input-secret</c>. <see cref="Fault"/> makes it
/// misbehave (500, garbage, slow). Every request is recorded.
/// </summary>
internal sealed class SiteverifyServer : IAsyncDisposable
{
    public const string Secret = "siteverify-test-secret";
    public const string Hostname = "banca.example.es";

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, string> answers = new(StringComparer.Ordinal);

    private SiteverifyServer(WebApplication app) => this.app = app;

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; } = new();

    /// <summary>When set, every request gets this answer instead of the protocol's.</summary>
    public SiteverifyFault? Fault { get; set; }

    public static async Task<SiteverifyServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();

        // Not the server's appsettings.json found beside the tests (HTTP/2 only): a provider speaks HTTP/1.1.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new SiteverifyServer(app);
        app.MapPost("/siteverify", (RequestDelegate)server.HandleAsync);
        await app.StartAsync().WaitAsync(RecoveryApi.Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Endpoint = new Uri(address + "/siteverify");
        return server;
    }

    /// <summary>A loopback URL where nothing listens (no other server of these tests is given its port): a connection to it is refused.</summary>
    public static Uri Refusing() => new($"http://127.0.0.1:{LoopbackPorts.Free()}/siteverify");

    /// <summary>Registers a token the widget produced; the provider answers <paramref name="answerJson"/> for it.</summary>
    public string Issue(string answerJson)
    {
        var token = "tok-" + Guid.NewGuid().ToString("N");
        answers[token] = answerJson;
        return token;
    }

    /// <summary>A successful answer as the providers document it.</summary>
    public static string Success(string hostname = Hostname, double? score = null, string? action = null) =>
        "{\"success\":true,\"challenge_ts\":\"2026-11-26T10:00:00Z\",\"hostname\":\"" + hostname + "\"" +
        (score is { } s ? ",\"score\":" + s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "") +
        (action is { } a ? ",\"action\":\"" + a + "\"" : "") + ",\"error-codes\":[]}";

    public static string Failure(params string[] errorCodes) =>
        "{\"success\":false,\"error-codes\":[" + string.Join(',', errorCodes.Select(c => "\"" + c + "\"")) + "]}";

    private async Task HandleAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        Requests.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
        if (Fault is { } fault)
        {
            await Task.Delay(fault.Delay, context.RequestAborted);
            context.Response.StatusCode = fault.Status;
            await context.Response.WriteAsync(fault.Body, context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json";
        var answer = form["secret"] != Secret ? Failure("invalid-input-secret")
            : string.IsNullOrEmpty(form["response"]) ? Failure("missing-input-response")
            : answers.GetValueOrDefault(form["response"].ToString()) ?? Failure("invalid-input-response");
        await context.Response.WriteAsync(answer, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().WaitAsync(RecoveryApi.Timeout);
        await app.DisposeAsync();
    }
}
