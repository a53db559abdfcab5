using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.Hosting;

/// <summary>Checks that need services, run before the server takes calls. Each failure stops the host.</summary>
public sealed partial class StartupChecks(
    PasswordPolicy passwordPolicy,
    Channels.ChannelAuthenticator channels,
    ILogger<StartupChecks> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The policy holds the common-password list and the strength dictionaries: resolving it loads them.
        _ = passwordPolicy.Options;
        // Only Development can get here without channel tokens (ChannelOptionsValidator): say so once, loudly.
        if (!channels.IsEnforced)
        {
            LogAnonymousChannels();
        }

        if (!CardExpiry.HasSpainTimeZone)
        {
            LogNoTimeZone();
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Time zone Europe/Madrid not found (install tzdata): card expiry is judged in UTC, up to two hours off at month ends")]
    private partial void LogNoTimeZone();

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Channels:Tokens configured: RecoveryService and AccessService accept anonymous callers that name their channel with x-channel (Development only)")]
    private partial void LogAnonymousChannels();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
