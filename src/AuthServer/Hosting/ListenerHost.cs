using Microsoft.AspNetCore.Builder;

namespace Recovery.AuthServer.Hosting;

/// <summary>
/// The web host of a listener of its own (<see cref="IOwnListener"/>): built apart from the server's start-up,
/// started with a taken address reported as one line, stopped and disposed with the listener.
/// </summary>
public sealed class ListenerHost : IAsyncDisposable
{
    private WebApplication? app;

    /// <summary>Whether a host is running: <see cref="StartAsync"/> was called and succeeded.</summary>
    public bool IsStarted => app is not null;

    /// <summary>The addresses it listens on once started (with the actual port when 0 was asked for).</summary>
    public IReadOnlyList<string> Addresses => app?.Urls.ToList() ?? [];

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

    /// <summary>
    /// Starts <paramref name="web"/> and keeps it; an address already taken disposes it and returns one line naming
    /// <paramref name="setting"/> and <paramref name="urls"/>, or null when it listens.
    /// </summary>
    public async Task<string?> StartAsync(WebApplication web, string setting, string urls, CancellationToken cancellationToken)
    {
        try
        {
            await web.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await web.DisposeAsync();
            return $"{setting}: cannot listen on {urls} ({ex.Message})";
        }

        app = web;
        return null;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
            app = null;
        }
    }
}
