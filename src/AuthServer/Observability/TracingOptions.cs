using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Observability;

/// <summary>Spans of the gRPC server, of outgoing HTTP calls and of Redis, exported over OTLP.</summary>
public sealed class TracingOptions
{
    /// <summary>Export traces when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Share of new traces kept (0 to 1); a caller's sampled <c>traceparent</c> is always followed. Default 1.
    /// </summary>
    [Range(0.0, 1.0)]
    public double SampleRatio { get; set; } = 1.0;
}
