using Microsoft.Extensions.Options;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.Hosting;

/// <summary>
/// The development sink writes codes and temporary passwords in clear to a file: outside Development it is refused
/// as a configuration error (one line, exit code 2), before its constructor would refuse it with an exception.
/// </summary>
public sealed class DevSinkEnvironmentValidator(IHostEnvironment environment) : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.DevSink.Path) || environment.IsDevelopment()
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Notifications:DevSink:Path is set, but the development sink writes codes in clear and runs only in Development, not in {environment.EnvironmentName}; remove the setting and configure real SMS and e-mail senders.");
    }
}
