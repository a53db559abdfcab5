using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Captcha;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.Hosting;

/// <summary>Checks that need services, run before the server takes calls. Each failure stops the host.</summary>
public sealed class StartupChecks(CommonPasswordList commonPasswords, IOptions<CaptchaOptions> captcha, IHostEnvironment environment) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = commonPasswords.Count;
        if (captcha.Value.Provider == "Development" && environment.IsProduction())
        {
            throw new OptionsValidationException(CaptchaOptions.Section, typeof(CaptchaOptions),
                ["Captcha:Provider is Development, which accepts a fixed token; configure a real captcha provider for Production."]);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
