using System.Net;
using System.Text.RegularExpressions;

namespace Recovery.AuthServer.Observability;

/// <summary>One address of the Prometheus listener: an IP (or any / localhost) and a port.</summary>
internal sealed partial record ScrapeAddress(string Url, IPAddress? Address, bool Localhost, int Port)
{
    /// <summary>The addresses of <c>Observability:Prometheus:Urls</c>, or the problems that make it unusable.</summary>
    public static (IReadOnlyList<ScrapeAddress> Addresses, IReadOnlyList<string> Problems) ParseAll(string urls)
    {
        var addresses = new List<ScrapeAddress>();
        var problems = new List<string>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Parse(url, out var address) is { } problem)
            {
                problems.Add(problem);
            }
            else
            {
                addresses.Add(address!);
            }
        }

        return (addresses, problems);
    }

    private static string? Parse(string url, out ScrapeAddress? address)
    {
        address = null;
        const string Key = "Observability:Prometheus:Urls";
        var match = Shape().Match(url);
        if (!match.Success)
        {
            return $"{Key}: '{url}' is not http://host:port (e.g. http://127.0.0.1:9464): the scrape endpoint speaks plain HTTP/1.1 on a port of its own, with no path (that is Observability:Prometheus:Path).";
        }

        var host = match.Groups["host"].Value;
        if (!int.TryParse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return $"{Key}: '{url}': the port must be 1-65535.";
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = new ScrapeAddress(url, null, Localhost: true, port);
            return null;
        }

        // Kestrel's --urls take '*' and '+' for any address: so does this setting.
        if (host is "*" or "+")
        {
            address = new ScrapeAddress(url, IPAddress.IPv6Any, Localhost: false, port);
            return null;
        }

        if (!IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            return $"{Key}: '{url}': the host must be an IP address, localhost or * (a listener binds addresses, not names).";
        }

        address = new ScrapeAddress(url, ip, Localhost: false, port);
        return null;
    }

    [GeneratedRegex(@"^http://(?<host>\[[0-9A-Fa-f:.]+\]|[^:/\[\]]+):(?<port>[0-9]{1,5})/?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
