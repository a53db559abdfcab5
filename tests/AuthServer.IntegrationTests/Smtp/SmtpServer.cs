using System.Diagnostics;
using System.Text.Json;
using MimeKit;
using Recovery.AuthServer.IntegrationTests.Infrastructure;

namespace Recovery.AuthServer.IntegrationTests.Smtp;

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd, run by <c>/usr/bin/python3</c> with
/// <c>smtp_server.py</c>) on a free loopback port, saving what it receives in a private folder;
/// killed on dispose. See the script for the recipients that make it refuse or drop.
/// </summary>
internal sealed class SmtpServer : IAsyncDisposable
{
    /// <summary>Debian's interpreter, the one apt installs python3-aiosmtpd for (a pyenv python3 first on PATH does not see it).</summary>
    private const string Python = "/usr/bin/python3";

    private readonly Process process;
    private readonly string directory;

    private SmtpServer(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <param name="certificate">PEM certificate and key files: the server offers STARTTLS and requires it (or, with <paramref name="implicitTls"/>, speaks TLS from the start).</param>
    /// <param name="login">A login the server requires (SMTP AUTH).</param>
    public static async Task<SmtpServer> StartAsync(
        (string CertPath, string KeyPath)? certificate = null,
        bool implicitTls = false,
        (string User, string Password)? login = null,
        int tempfailTimes = 1)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing; scripts/test.sh installs python3-aiosmtpd (apt-get install python3-aiosmtpd).");
        }

        var directory = Directory.CreateTempSubdirectory("recovery-smtp-").FullName;
        var port = LoopbackPorts.Free();
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Smtp", "smtp_server.py"));
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", directory, "--tempfail-times", tempfailTimes.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        if (certificate is { } tls)
        {
            info.ArgumentList.Add("--cert");
            info.ArgumentList.Add(tls.CertPath);
            info.ArgumentList.Add("--key");
            info.ArgumentList.Add(tls.KeyPath);
            if (implicitTls)
            {
                info.ArgumentList.Add("--implicit-tls");
            }
        }

        if (login is { } credentials)
        {
            info.ArgumentList.Add("--user");
            info.ArgumentList.Add(credentials.User);
            info.ArgumentList.Add("--password");
            info.ArgumentList.Add(credentials.Password);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("python3 did not start.");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var server = new SmtpServer(process, directory, port);
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (ready != "READY")
        {
            await server.DisposeAsync();
            lock (errors)
            {
                throw new InvalidOperationException("aiosmtpd did not start (is python3-aiosmtpd installed?): " + errors);
            }
        }

        return server;
    }

    /// <summary>What the server accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedMail> Received =>
        Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(Read).ToArray();

    /// <summary>Every RCPT TO the server was asked, with its answer code, in order.</summary>
    public IReadOnlyList<(string Address, int Answer)> RecipientAttempts =>
        File.Exists(Path.Combine(directory, "rcpt.log"))
            ? File.ReadAllLines(Path.Combine(directory, "rcpt.log")).Select(l => l.Split(' ')).Select(p => (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToArray()
            : [];

    /// <summary>Waits until the server has accepted <paramref name="count"/> messages.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var received = Received;
            if (received.Count >= count)
            {
                return received;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"aiosmtpd received {received.Count} of {count} messages within {timeout}.");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private static ReceivedMail Read(string jsonPath)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(jsonPath));
        var root = meta.RootElement;
        return new ReceivedMail(
            root.GetProperty("mail_from").GetString()!,
            root.GetProperty("rcpt_tos").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            root.GetProperty("client_port").GetInt32(),
            root.GetProperty("tls").GetBoolean(),
            root.GetProperty("login").GetString(),
            MimeMessage.Load(Path.ChangeExtension(jsonPath, ".eml")));
    }
}
