using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Notifications;

namespace Recovery.Benchmarks.Scenarios;

/// <summary>
/// The real server in process (Development secrets, no demo directory, limits raised for load), with a
/// sender that keeps the last message per destination and template so a scenario can read codes.
/// </summary>
internal sealed class InProcessServer : WebApplicationFactory<Program>
{
    public InProcessServer()
    {
        // Outside a test project there is no content-root manifest; the server's appsettings and
        // Data/ files are copied next to this binary, so that is the content root.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_AUTHSERVER", AppContext.BaseDirectory);
    }

    public CapturingSender Messages { get; } = new();

    public GrpcChannel CreateChannel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler(), MaxRetryAttempts = 0 });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Development);
        builder.UseSetting("DemoDirectory:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Error");
        builder.UseSetting("Notifications:OutboxCapacity", "1000000");
        foreach (var rule in new[] { "PerCard", "PerDocument", "PerClientAddress", "PerChannel" })
        {
            builder.UseSetting($"RateLimits:{rule}:Limit", "1000000");
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Error));
        builder.ConfigureTestServices(services => services.AddSingleton<INotificationSender>(Messages));
    }

    internal sealed class CapturingSender : INotificationSender
    {
        private readonly ConcurrentDictionary<(string To, string Template), Notification> latest = new();

        public Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            latest[(notification.To, notification.Template)] = notification;
            return Task.CompletedTask;
        }

        /// <summary>Waits for a message to <paramref name="to"/> of <paramref name="template"/> and takes it.</summary>
        public async Task<Notification> TakeAsync(string to, string template, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < until)
            {
                if (latest.TryRemove((to, template), out var n))
                {
                    return n;
                }

                await Task.Delay(5);
            }

            throw new TimeoutException($"No {template} message arrived in {timeout}.");
        }
    }
}
