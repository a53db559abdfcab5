using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Recovery.AuthServer.Observability;

namespace Recovery.AuthServer.Hosting;

public static class ObservabilityExtensions
{
    /// <summary>The standard OpenTelemetry setting that turns the OTLP export on.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// The server's metrics (<see cref="RecoveryMetrics"/>) are always there for <c>dotnet-counters</c>. With
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set they are also pushed over OTLP, with ASP.NET Core's, Kestrel's and the
    /// runtime's, configured by the standard <c>OTEL_*</c> settings (protocol, headers, interval).
    /// </summary>
    public static IHostApplicationBuilder AddRecoveryObservability(this IHostApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(RecoveryMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
                .AddOtlpExporter());
        }

        return builder;
    }
}
