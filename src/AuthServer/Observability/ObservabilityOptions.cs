using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Observability;

/// <summary>
/// Traces and the Prometheus scrape endpoint (section <c>Observability</c>). The OTLP export of metrics and
/// traces is switched on by the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> setting, not here.
/// </summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    [ValidateObjectMembers]

    public TracingOptions Tracing { get; set; } = new();

    public PrometheusOptions Prometheus { get; set; } = new();
}
