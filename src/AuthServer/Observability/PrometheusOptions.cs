namespace Recovery.AuthServer.Observability;

/// <summary>The Prometheus scrape endpoint, on a listener of its own.</summary>
public sealed class PrometheusOptions
{
    /// <summary>
    /// Where <c>/metrics</c> answers (plain HTTP/1.1), e.g. <c>http://127.0.0.1:9464</c>; several separated by
    /// <c>;</c>. Each must be a port of its own, never one of the gRPC server's. Empty (the default): no endpoint.
    /// </summary>
    public string Urls { get; set; } = "";

    /// <summary>The scrape path. Default <c>/metrics</c>.</summary>
    public string Path { get; set; } = "/metrics";
}
