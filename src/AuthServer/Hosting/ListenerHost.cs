using Microsoft.AspNetCore.Builder;

namespace Recovery.AuthServer.Hosting;

/// <summary>Builds the web host of a listener of its own (<see cref="IOwnListener"/>).</summary>
public static class ListenerHost
{
    /// <summary>
    /// Builds <paramref name="builder"/> outside the caller's execution context. A listener is built during the
    /// server's start-up, right after the main host; whatever observes host builds scoped to that start-up (the
    /// hosting diagnostics that WebApplicationFactory follows to replace the main host's server with a test server)
    /// must not take the listener's host for the main one, or the listener would never open its socket.
    /// </summary>
    public static Task<WebApplication> BuildDetachedAsync(WebApplicationBuilder builder)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(builder.Build);
        }
    }
}
