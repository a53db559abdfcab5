using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Recovery.AuthServer.Observability;

namespace Recovery.AuthServer.Hosting;

/// <summary>
/// The Prometheus scrape endpoint on a Kestrel listener of its own (HTTP/1.1, <c>Observability:Prometheus:Urls</c>),
/// serving the server's meter provider at <c>Observability:Prometheus:Path</c> and nothing else.
/// </summary>
/// <remarks>
/// Why a listener of its own rather than a route of the main server: the main server's addresses are the public
/// gRPC ports (HTTP/2 only, from <c>--urls</c>), and giving Kestrel an extra endpoint in code or configuration would
/// replace those addresses instead of adding to them. A separate listener cannot answer on the gRPC port, and the
/// gRPC port cannot answer a scrape.
/// </remarks>
public sealed partial class PrometheusEndpoint(
    MeterProvider meterProvider,
    IOptions<ObservabilityOptions> options,
    ILoggerFactory loggerFactory) : IHostedService, IOwnListener, IAsyncDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger<PrometheusEndpoint>();
    private readonly ListenerHost host = new();

    /// <summary>Already started by <see cref="StartupValidation"/> in the server; started here otherwise.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await TryStartAsync(cancellationToken) is { } problem)
        {
            throw new OptionsValidationException(ObservabilityOptions.Section, typeof(ObservabilityOptions), [problem]);
        }
    }

    public async Task<string?> TryStartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value.Prometheus;
        var (addresses, _) = ScrapeAddress.ParseAll(o.Urls);
        if (host.IsStarted || addresses.Count == 0)
        {
            return null;
        }

        // An empty builder: no configuration sources (ASPNETCORE_URLS must not reach this listener), Kestrel without
        // HTTPS, and no logging of its own (a failure to bind is reported once, by the caller, as one line).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var address in addresses)
            {
                Action<ListenOptions> http1 = listen => listen.Protocols = HttpProtocols.Http1;
                if (address.Localhost)
                {
                    kestrel.ListenLocalhost(address.Port, http1);
                }
                else if (address.Address!.Equals(IPAddress.IPv6Any))
                {
                    kestrel.ListenAnyIP(address.Port, http1);
                }
                else
                {
                    kestrel.Listen(address.Address, address.Port, http1);
                }
            }
        });

        var built = await ListenerHost.BuildDetachedAsync(builder);
        built.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, predicate: null, path: o.Path, configureBranchedPipeline: null, optionsName: null);
        built.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });

        if (await host.StartAsync(built, "Observability:Prometheus:Urls", o.Urls!, cancellationToken) is { } problem)
        {
            return problem;
        }

        LogListening(o.Urls!, o.Path);
        return null;
    }

    public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Information, Message = "Prometheus scrape endpoint listening on {Urls} at {Path}")]
    private partial void LogListening(string urls, string path);
}
