using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP/1.1 server on a loopback port for a test to play a remote party (a gateway's MO target, an SMS API).
/// Stop and start again keep the port, so a test can take the party away and bring it back.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly RequestDelegate handler;
    private WebApplication? app;

    private LoopbackHttpServer(int port, RequestDelegate handler)
    {
        Port = port;
        this.handler = handler;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public static async Task<LoopbackHttpServer> StartAsync(RequestDelegate handler, int? port = null)
    {
        var server = new LoopbackHttpServer(port ?? LoopbackPorts.Free(), handler);
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        if (app is not null)
        {
            return;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
        builder.Services.AddRoutingCore();
        var web = builder.Build();
        web.Run(handler);
        await web.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        app = web;
    }

    /// <summary>Stops listening: connections to the port are refused until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (app is { } web)
        {
            app = null;
            await web.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await web.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
