using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A private redis-server from PATH on a free loopback port, with no persistence, killed on dispose.
/// Stop/Start keep the port, so a test can take Redis away mid-flow and bring it back.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string? dataDirectory;
    private Process? process;

    private RedisServer(int port, string? dataDirectory)
    {
        Port = port;
        this.dataDirectory = dataDirectory;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <param name="persistent">
    /// Append-only file with fsync on every write in a private folder, so a killed and restarted
    /// server has every acknowledged write (as production's appendonly would).
    /// </param>
    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        var directory = persistent ? Directory.CreateTempSubdirectory("recovery-redis-").FullName : null;
        var server = new RedisServer(LoopbackPorts.Free(), directory);
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        if (process is { HasExited: false })
        {
            return;
        }

        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = dataDirectory is null
            ? ["--appendonly", "no"]
            : ["--appendonly", "yes", "--appendfsync", "always", "--dir", dataDirectory];
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--protected-mode", "yes" }.Concat(persistence))
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not on PATH; the README's test command installs it (apt-get install redis-server).", ex);
        }

        // Drain output so the pipe never fills.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilAnswersAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Kills the server (as a crash would) and waits until its port is closed.</summary>
    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>A direct connection for inspecting what the server stored.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync() =>
        await ConnectionMultiplexer.ConnectAsync($"{Configuration},allowAdmin=true");

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process?.Dispose();
        if (dataDirectory is not null)
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private async Task WaitUntilAnswersAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                await using var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
                if (read > 0 && buffer[0] == (byte)'+')
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server on port {Port} did not answer within {timeout}.");
    }
}
