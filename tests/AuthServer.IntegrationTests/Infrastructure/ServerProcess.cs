using System.Diagnostics;
using System.Text;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// The built server (<c>src/AuthServer/bin/&lt;configuration&gt;/net10.0/AuthServer.dll</c>) as a real process, as an
/// operator starts it: <c>dotnet AuthServer.dll --urls …</c> with the environment given and none of the test runner's
/// configuration variables. Standard output and error are kept; the process is killed on dispose.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();

    private ServerProcess(Process process) => this.process = process;

    public string Stdout
    {
        get
        {
            lock (stdout)
            {
                return stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
    }

    public static ServerProcess Start(string url, IReadOnlyDictionary<string, string> environment)
    {
        var dll = ServerDll();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var arg in new[] { dll, "--urls", url, "--contentRoot", Path.GetDirectoryName(dll)! })
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the test gives: no Secrets__…, ASPNETCORE_URLS or OTEL_… leaking in from the machine.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.Contains("__", StringComparison.Ordinal) || key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) ||
                key.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal) || key.StartsWith("OTEL_", StringComparison.Ordinal))
            {
                start.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => Append(server.stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(server.stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits for the process to end on its own; returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        await process.WaitForExitAsync().WaitAsync(timeout);
        process.WaitForExit(); // drains the output readers
        return process.ExitCode;
    }

    public bool HasExited => process.HasExited;

    /// <summary>
    /// Waits until the server answers its health check SERVING over <paramref name="channel"/>; fails with the process's
    /// output if it exits first or is still not serving after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitServingAsync(GrpcChannel channel, TimeSpan timeout)
    {
        var client = new Health.HealthClient(channel);
        var giveUp = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(HasExited, Stdout + Stderr);
            try
            {
                var reply = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2)).ResponseAsync.WaitAsync(RecoveryApi.Timeout);
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (RpcException) when (DateTime.UtcNow < giveUp)
            {
            }

            Assert.True(DateTime.UtcNow < giveUp, "the server did not start: " + Stdout + Stderr);
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    /// <summary>The server built with the same configuration (Debug/Release) as these tests.</summary>
    private static string ServerDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        for (var dir = testBin; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "AuthServer", "bin", configuration, framework, "AuthServer.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"AuthServer.dll ({configuration}, {framework}) not found above {testBin.FullName}: build the solution first.");
    }
}
