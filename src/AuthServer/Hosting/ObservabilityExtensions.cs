using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Observability;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.Hosting;

public static class ObservabilityExtensions
{
    /// <summary>The standard OpenTelemetry setting that turns the OTLP export on.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// The server's metrics (meter <see cref="RecoveryMeter.Name"/>, each instrument created by its owner) are always there for <c>dotnet-counters</c>. With
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set they are also pushed over OTLP, with ASP.NET Core's, Kestrel's and the
    /// runtime's, configured by the standard <c>OTEL_*</c> settings (protocol, headers, interval), and so are traces
    /// (<c>Observability:Tracing</c>): the gRPC server, outgoing HTTP calls and Redis commands, every span scrubbed by
    /// <see cref="SpanScrubber"/>. With <c>Observability:Prometheus:Urls</c> set the same metrics are also served for
    /// scraping on a listener of their own (<see cref="PrometheusEndpoint"/>).
    /// </summary>
    public static IHostApplicationBuilder AddRecoveryObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ObservabilityOptions>().Bind(builder.Configuration.GetSection(ObservabilityOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ObservabilityOptions>, ValidateObservabilityOptions>();
        builder.Services.AddSingleton<IValidateOptions<ObservabilityOptions>, ObservabilityOptionsValidator>();
        UseBatchingConsole(builder.Services);

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        var observability = builder.Configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>() ?? new ObservabilityOptions();
        var prometheus = !string.IsNullOrWhiteSpace(observability.Prometheus.Urls);
        if (!otlp && !prometheus)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry();
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(RecoveryMeter.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime");
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }

            if (prometheus)
            {
                metrics.AddPrometheusExporter();
            }
        });

        if (prometheus)
        {
            builder.Services.AddSingleton<PrometheusEndpoint>();
            builder.Services.AddSingleton<IOwnListener>(sp => sp.GetRequiredService<PrometheusEndpoint>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PrometheusEndpoint>());
        }

        if (otlp && observability.Tracing.Enabled)
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(observability.Tracing.SampleRatio)))
                // Neither records a request body; exceptions are not recorded (their messages may quote input).
                .AddAspNetCoreInstrumentation(o => o.RecordException = false)
                .AddHttpClientInstrumentation(o => o.RecordException = false)
                .AddRedisInstrumentation(o => o.SetVerboseDatabaseStatements = false)
                .ConfigureRedisInstrumentation((services, redis) => InstrumentRedis(services, redis))
                // Before the exporter, so that what it exports is already scrubbed.
                .AddProcessor(new SpanScrubber())
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>
    /// ASP.NET Core's console provider (registered by the host's defaults) gives way to <see cref="BatchingConsoleLoggerProvider"/>,
    /// which keeps its formatters and its <c>Logging:Console</c> options. With no console provider (a host or test
    /// that cleared them) nothing is added.
    /// </summary>
    private static void UseBatchingConsole(IServiceCollection services)
    {
        var console = services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList();
        if (console.Count == 0)
        {
            return;
        }

        foreach (var descriptor in console)
        {
            services.Remove(descriptor);
        }

        services.AddSingleton<ILoggerProvider, BatchingConsoleLoggerProvider>();
    }

    /// <summary>The store's multiplexer connects lazily: it is instrumented once it exists.</summary>
    private static void InstrumentRedis(IServiceProvider services, OpenTelemetry.Instrumentation.StackExchangeRedis.StackExchangeRedisInstrumentation redis)
    {
        if (services.GetService<RedisConnection>() is { } connection)
        {
            _ = connection.ExecuteAsync(db =>
            {
                redis.AddConnection(db.Multiplexer);
                return Task.CompletedTask;
            });
        }
    }
}
