using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Captcha;

/// <summary>What each provider needs, and where each may run. A failure stops the host at start.</summary>
public sealed class CaptchaOptionsValidator(IHostEnvironment environment) : IValidateOptions<CaptchaOptions>
{
    public ValidateOptionsResult Validate(string? name, CaptchaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        // The development token is public and reusable: anywhere but a developer's machine it would be no captcha.
        if (options.Provider == CaptchaProviders.Development && !environment.IsDevelopment())
        {
            failures.Add($"Captcha:Provider is Development, which accepts a fixed token and runs only in the Development environment; " +
                $"configure ReCaptchaV2, ReCaptchaV3, HCaptcha, Turnstile or Altcha for {environment.EnvironmentName}.");
        }

        foreach (var channel in options.TrustedAddressChannels.Where(c => !CallerContext.IsValidChannel(c)))
        {
            failures.Add($"Captcha:TrustedAddressChannels has '{channel}', which is not a channel name (lower-case letters, digits, '-').");
        }

        if (CaptchaProviders.IsSiteverify(options.Provider))
        {
            ValidateSiteverify(options.Provider, options.Siteverify, failures);
        }

        if (options.Provider == CaptchaProviders.Altcha)
        {
            ValidateAltcha(options.Altcha, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateSiteverify(string provider, SiteverifyOptions o, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(o.Secret))
        {
            failures.Add($"Captcha:Siteverify:Secret is required for {provider} (the secret key the provider issued for the site).");
        }

        if (o.ExpectedHostnames.Length == 0 || o.ExpectedHostnames.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"Captcha:Siteverify:ExpectedHostnames needs at least one host name for {provider} (where the widget runs).");
        }

        // The secret travels in the request body: outside Development only over TLS.
        if (o.Endpoint is { } endpoint &&
            (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && !(environment.IsDevelopment() && endpoint.Scheme == Uri.UriSchemeHttp))))
        {
            failures.Add("Captcha:Siteverify:Endpoint must be an absolute https URL (http only in Development).");
        }

        if (provider == CaptchaProviders.ReCaptchaV3 && string.IsNullOrWhiteSpace(o.ExpectedAction))
        {
            failures.Add("Captcha:Siteverify:ExpectedAction is required for ReCaptchaV3 (the action the page runs the widget with).");
        }

        if (o.MinimumScore is < 0 or > 1 || double.IsNaN(o.MinimumScore))
        {
            failures.Add("Captcha:Siteverify:MinimumScore must be between 0.0 and 1.0.");
        }

        if (o.Timeout < TimeSpan.FromMilliseconds(100) || o.Timeout > TimeSpan.FromSeconds(30))
        {
            failures.Add("Captcha:Siteverify:Timeout must be between 100 ms and 30 s.");
        }

        if (o.TokenLifetime < TimeSpan.FromMinutes(1) || o.TokenLifetime > TimeSpan.FromHours(1))
        {
            failures.Add("Captcha:Siteverify:TokenLifetime must be between 1 minute and 1 hour.");
        }
    }

    private void ValidateAltcha(AltchaOptions o, List<string> failures)
    {
        if (SecretFormat.Problem("Captcha:Altcha:HmacKey", o.HmacKey, environment) is { } problem)
        {
            failures.Add(problem);
        }

        if (o.MaxNumber is < 1_000 or > 10_000_000)
        {
            failures.Add("Captcha:Altcha:MaxNumber must be between 1000 and 10000000.");
        }

        if (o.ChallengeLifetime < TimeSpan.FromSeconds(30) || o.ChallengeLifetime > TimeSpan.FromHours(1))
        {
            failures.Add("Captcha:Altcha:ChallengeLifetime must be between 30 seconds and 1 hour.");
        }
    }
}
