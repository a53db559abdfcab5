using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Observability;

/// <summary>
/// The scrape URLs parse, and none shares a port with the gRPC server: metrics are for the platform's scraper on
/// an internal address, never on the port customers' channels reach.
/// </summary>
public sealed class ObservabilityOptionsValidator(IConfiguration configuration) : IValidateOptions<ObservabilityOptions>
{
    /// <summary>What Kestrel listens on when neither <c>urls</c> nor <c>Kestrel:Endpoints</c> say otherwise.</summary>
    private const int KestrelDefaultPort = 5000;

    public ValidateOptionsResult Validate(string? name, ObservabilityOptions options)
    {
        var (addresses, errors) = ScrapeAddress.ParseAll(options.Prometheus.Urls);
        var problems = errors.ToList();
        if (!options.Prometheus.Path.StartsWith('/') || options.Prometheus.Path.Length < 2)
        {
            problems.Add("Observability:Prometheus:Path must start with '/' and name a path (default /metrics).");
        }

        var grpcPorts = GrpcPorts();
        foreach (var address in addresses.Where(a => grpcPorts.Contains(a.Port)))
        {
            problems.Add($"Observability:Prometheus:Urls: '{address.Url}' uses port {address.Port}, which the gRPC server listens on; give the scrape endpoint a port of its own.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private HashSet<int> GrpcPorts()
    {
        var urls = new List<string>();
        urls.AddRange((configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        var ports = new HashSet<int>();
        foreach (var url in urls)
        {
            var normalised = url.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
            if (Uri.TryCreate(normalised, UriKind.Absolute, out var uri))
            {
                ports.Add(uri.Port);
            }
        }

        foreach (var key in new[] { "http_ports", "https_ports" })
        {
            foreach (var port in (configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var p))
                {
                    ports.Add(p);
                }
            }
        }

        if (ports.Count == 0)
        {
            ports.Add(KestrelDefaultPort);
        }

        return ports;
    }
}
