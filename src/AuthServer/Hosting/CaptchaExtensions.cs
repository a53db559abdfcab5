using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Captcha;

namespace Recovery.AuthServer.Hosting;

public static class CaptchaExtensions
{
    /// <summary>The captcha verifier named by <c>Captcha:Provider</c> (validated at start by <see cref="CaptchaOptionsValidator"/>).</summary>
    public static IHostApplicationBuilder AddRecoveryCaptcha(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<CaptchaReplayGuard>();
        services.AddSingleton<AltchaChallenges>();
        services.AddHttpClient(SiteverifyCaptchaVerifier.HttpClientName)
            .ConfigureHttpClient((sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<CaptchaOptions>>().Value.Siteverify.Timeout;
                // A siteverify answer is a few hundred bytes; a huge one is garbage, not something to buffer.
                client.MaxResponseContentBufferSize = 64 * 1024;
            });

        var provider = builder.Configuration[$"{CaptchaOptions.Section}:{nameof(CaptchaOptions.Provider)}"] ?? CaptchaProviders.Development;
        if (CaptchaProviders.IsSiteverify(provider))
        {
            services.AddSingleton<ICaptchaVerifier, SiteverifyCaptchaVerifier>();
        }
        else if (provider == CaptchaProviders.Altcha)
        {
            services.AddSingleton<ICaptchaVerifier, AltchaCaptchaVerifier>();
        }
        else
        {
            // Development, or a value the options validator refuses at start.
            services.AddSingleton<ICaptchaVerifier, DevelopmentCaptchaVerifier>();
        }

        return builder;
    }
}
