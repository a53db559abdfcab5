using System.Net;
using System.Text;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback OTLP/HTTP receiver: answers 200 to every export and keeps the raw bodies by path (/v1/traces,
/// /v1/metrics). Protobuf keeps strings as UTF-8 bytes, so a value can be searched for in what was exported.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Lock gate = new();
    private readonly List<(string Path, byte[] Body)> bodies = [];
    private readonly Task loop;

    public OtlpReceiver()
    {
        Port = LoopbackPorts.Free();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(ReceiveAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Everything received on <paramref name="path"/> so far, as one UTF-8 text (binary parts garbled).</summary>
    public string Text(string path)
    {
        lock (gate)
        {
            return string.Concat(bodies.Where(b => b.Path == path).Select(b => Encoding.UTF8.GetString(b.Body)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Close();
        await loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ReceiveAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var body = new MemoryStream())
            {
                await context.Request.InputStream.CopyToAsync(body);
                lock (gate)
                {
                    bodies.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                }
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
