using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Recovery.AuthServer.Observability;

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
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger logger = loggerFactory.CreateLogger<PrometheusEndpoint>();
    private WebApplication? app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value.Prometheus;
        var (addresses, _) = ScrapeAddress.ParseAll(o.Urls);
        if (addresses.Count == 0)
        {
            return;
        }

        // An empty builder: no configuration sources (ASPNETCORE_URLS must not reach this listener), no logging
        // providers of its own (it logs through the server's), Kestrel without HTTPS.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
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

        var built = builder.Build();
        built.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, predicate: null, path: o.Path, configureBranchedPipeline: null, optionsName: null);
        built.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });

        try
        {
            await built.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await built.DisposeAsync();
            // A port already taken is the operator's to fix: say which, without a stack trace (Program.cs).
            throw new OptionsValidationException(ObservabilityOptions.Section, typeof(ObservabilityOptions),
                [$"Observability:Prometheus:Urls: cannot listen on {o.Urls} ({ex.Message})."]);
        }

        app = built;
        LogListening(o.Urls, o.Path);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
            app = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prometheus scrape endpoint listening on {Urls} at {Path}")]
    private partial void LogListening(string urls, string path);
}
