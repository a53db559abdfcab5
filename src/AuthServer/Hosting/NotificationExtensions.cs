using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;

namespace Recovery.AuthServer.Hosting;

public static class NotificationExtensions
{
    public static IHostApplicationBuilder AddRecoveryNotifications(this IHostApplicationBuilder builder)
    {
        // The outbox and the SMS delivery records are the storage provider's (AddRecoveryStorage).
        builder.Services.AddSingleton<NotificationTexts>();
        builder.Services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationTextsValidator>();
        builder.Services.AddSingleton<INotificationSender, LoggingNotificationSender>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Notifications:DevSink:Path"]))
        {
            builder.Services.AddSingleton<INotificationSender, DevSinkNotificationSender>();
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration[SmtpOptions.Section + ":Host"]))
        {
            builder.Services.AddOptions<SmtpOptions>().Bind(builder.Configuration.GetSection(SmtpOptions.Section)).ValidateOnStart();
            builder.Services.AddSingleton<IValidateOptions<SmtpOptions>, ValidateSmtpOptions>();
            builder.Services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
            builder.Services.AddSingleton<SmtpEmailSender>();
            builder.Services.AddSingleton<INotificationSender>(sp => sp.GetRequiredService<SmtpEmailSender>());
        }

        builder.AddSmsProviders();
        builder.Services.AddHostedService<NotificationDispatcher>();
        return builder;
    }

    /// <summary>
    /// The SMS providers of <c>Notifications:Sms:Providers</c>, in order, each with its own HttpClient and resilience
    /// pipeline (timeouts, retries with jitter, a circuit breaker of its own), the delivery records and the report listener.
    /// </summary>
    private static void AddSmsProviders(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<SmsMetrics>();
        services.AddSingleton<SmsProviders>();
        services.AddSingleton<SmsDeliveryReports>();
        services.AddSingleton<SmsFailover>();
        services.AddSingleton<SmsDeliveryReportListener>();
        services.AddHostedService(sp => sp.GetRequiredService<SmsDeliveryReportListener>());
        services.AddSingleton<IOwnListener>(sp => sp.GetRequiredService<SmsDeliveryReportListener>());

        // Only the count and names are read here, to register one client per provider; every value is read from the
        // validated options when used.
        var configured = builder.Configuration.GetSection(SmsOptions.Section).Get<SmsOptions>()?.Providers ?? [];
        for (var i = 0; i < configured.Count; i++)
        {
            var index = i;
            var name = SmsHttp.ClientName(configured[i].Name);
            services.AddHttpClient(name, (sp, http) =>
                {
                    var o = Provider(sp, index);
                    http.BaseAddress = new Uri(o.BaseUrl!.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
                    http.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's timeouts rule
                })
                // The default HttpClient logs name the request URL, which holds the Twilio account SID: off.
                .RemoveAllLoggers()
                .AddResilienceHandler(name, (pipeline, context) => Pipeline(pipeline, Provider(context.ServiceProvider, index)));
            services.AddSingleton<ISmsProvider>(sp =>
            {
                var o = Provider(sp, index);
                var clients = sp.GetRequiredService<IHttpClientFactory>();
                return o.Dialect == SmsDialect.Twilio ? new TwilioSmsProvider(clients, o) : new KannelSmsProvider(clients, o);
            });
        }
    }

    private static SmsProviderOptions Provider(IServiceProvider services, int index) =>
        services.GetRequiredService<IOptions<SmsOptions>>().Value.Providers[index];

    // Outermost first: the whole budget, retries, the breaker (it sees every attempt), one attempt's timeout.
    private static void Pipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, SmsProviderOptions o)
    {
        pipeline.AddTimeout(o.TotalTimeout);
        if (o.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryDelay,
                ShouldHandle = args => ValueTask.FromResult(SmsHttp.IsRetryable(args.Outcome.Result, args.Outcome.Exception)),
            });
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = o.BreakerFailureRatio,
            MinimumThroughput = o.BreakerMinimumThroughput,
            SamplingDuration = o.BreakerSamplingDuration,
            BreakDuration = o.BreakerBreakDuration,
        });
        pipeline.AddTimeout(o.AttemptTimeout);
    }
}
