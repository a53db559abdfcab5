using System.Diagnostics;
using System.Globalization;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A private three-master Redis Cluster (no replicas, no persistence) on free loopback ports, each
/// node in its own temporary directory for its nodes.conf, joined with <c>redis-cli --cluster create</c>
/// and ready once every node reports <c>cluster_state:ok</c>. Killed and removed on dispose.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private const int Masters = 3;
    private readonly List<(Process Process, string Directory)> nodes = [];

    public IReadOnlyList<int> Ports { get; private set; } = [];

    /// <summary>A StackExchange.Redis configuration string listing every node.</summary>
    public string Configuration => string.Join(',', Ports.Select(p => $"127.0.0.1:{p}"));

    public async Task InitializeAsync()
    {
        var ports = new List<int>();
        for (var i = 0; i < Masters; i++)
        {
            // The cluster bus gets its own free port: port + 10000 (the default) may be taken or out of range.
            var (port, bus) = (LoopbackPorts.Free(), LoopbackPorts.Free());
            var directory = Directory.CreateTempSubdirectory("recovery-cluster-").FullName;
            nodes.Add((Start("redis-server",
                "--port", Str(port), "--cluster-port", Str(bus), "--bind", "127.0.0.1", "--dir", directory,
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
                "--save", "", "--appendonly", "no", "--protected-mode", "yes"), directory));
            ports.Add(port);
        }

        Ports = ports;
        foreach (var port in ports)
        {
            await WaitUntilAsync(async () => (await CliAsync("-p", Str(port), "ping")).Contains("PONG", StringComparison.Ordinal), $"node {port} to answer");
        }

        var create = new List<string> { "--cluster", "create" };
        create.AddRange(ports.Select(p => $"127.0.0.1:{p}"));
        create.AddRange(["--cluster-replicas", "0", "--cluster-yes"]);
        var output = await CliAsync([.. create]);
        if (!output.Contains("All 16384 slots covered", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("redis-cli --cluster create failed:\n" + output);
        }

        foreach (var port in ports)
        {
            await WaitUntilAsync(async () => (await CliAsync("-p", Str(port), "cluster", "info")).Contains("cluster_state:ok", StringComparison.Ordinal), $"node {port} to report cluster_state:ok");
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (process, directory) in nodes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }

            process.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Process Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{file} is not on PATH; the README's test command installs it (apt-get install redis-server).", ex);
        }
    }

    private static async Task<string> CliAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return await stdout + await stderr;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Timed out waiting for {what}.");
    }

    private static string Str(int port) => port.ToString(CultureInfo.InvariantCulture);
}
