using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Web;
using Microsoft.AspNetCore.Http;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A private Kannel (Debian package <c>kannel</c>): <c>bearerbox</c> and <c>smsbox</c> on free loopback ports, configured in a
/// temp folder, with the <c>loopback</c> SMSC and a catch-all <c>sms-service</c> whose <c>get-url</c> is an HTTP endpoint of
/// the test: every SMS sent through <c>/cgi-bin/sendsms</c> comes back there as a received message, with its text. Stop/Start
/// keep the ports, so a test can take the gateway away and bring it back.
/// </summary>
public sealed class KannelGateway : IAsyncDisposable
{
    public const string Username = "recovery";

    // Random per run: Kannel's own check of the sendsms credentials is part of what is tested.
    public string Password { get; } = "pw" + Guid.NewGuid().ToString("N")[..16];

    private readonly string directory;
    private readonly LoopbackHttpServer routedBack;
    private readonly ConcurrentQueue<RoutedSms> received = new();
    private Process? bearerbox;
    private Process? smsbox;

    private KannelGateway(string directory, LoopbackHttpServer routedBack)
    {
        this.directory = directory;
        this.routedBack = routedBack;
    }

    public int SendSmsPort { get; } = LoopbackPorts.Free();

    public int AdminPort { get; } = LoopbackPorts.Free();

    public int SmsboxPort { get; } = LoopbackPorts.Free();

    /// <summary>The provider's <c>BaseUrl</c>.</summary>
    public string BaseUrl => $"http://127.0.0.1:{SendSmsPort}";

    /// <summary>Every SMS Kannel routed back, in order.</summary>
    public IReadOnlyList<RoutedSms> Received => received.ToArray();

    public static async Task<KannelGateway> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("recovery-kannel-").FullName;
        KannelGateway? gateway = null;
        var server = await LoopbackHttpServer.StartAsync(http => gateway!.OnRoutedBack(http));
        gateway = new KannelGateway(folder, server);
        await gateway.StartAgainAsync();
        return gateway;
    }

    public async Task StartAgainAsync()
    {
        if (bearerbox is { HasExited: false })
        {
            return;
        }

        var config = Path.Combine(directory, "kannel.conf");
        await File.WriteAllTextAsync(config, Config());

        // A box restarted on the port it just had may find it not yet free (the kernel keeps it a moment after a
        // kill): it exits, and is started again.
        for (var attempt = 1; ; attempt++)
        {
            bearerbox = Run("bearerbox", config);
            if (await WaitForPortAsync(SmsboxPort, bearerbox))
            {
                break;
            }

            if (attempt == 5)
            {
                throw new TimeoutException($"bearerbox did not open port {SmsboxPort} in time: {LogTail("bearerbox.log")}");
            }

            await StopAsync();
            await Task.Delay(1000);
        }

        for (var attempt = 1; ; attempt++)
        {
            smsbox = Run("smsbox", config);
            if (await WaitForPortAsync(SendSmsPort, smsbox))
            {
                break;
            }

            if (attempt == 5)
            {
                throw new TimeoutException($"smsbox did not open port {SendSmsPort} in time: {LogTail("smsbox.log")}");
            }

            if (smsbox is { HasExited: false })
            {
                smsbox.Kill(entireProcessTree: true);
            }

            await Task.Delay(1000);
        }

        await WaitUntilOnlineAsync();
    }

    private string LogTail(string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path) ? string.Join(" / ", File.ReadLines(path).TakeLast(5)) : "no log";
    }

    /// <summary>Kills both boxes (as a crash would) and waits until the sendsms port is closed.</summary>
    public async Task StopAsync()
    {
        foreach (var process in new[] { smsbox, bearerbox })
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
    }

    /// <summary>Waits until an SMS whose text contains <paramref name="fragment"/> has been routed back.</summary>
    public async Task<RoutedSms> WaitForAsync(string fragment, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (received.FirstOrDefault(m => m.Text.Contains(fragment, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Kannel routed back no SMS containing the fragment within {timeout}; it routed {received.Count}.");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        bearerbox?.Dispose();
        smsbox?.Dispose();
        await routedBack.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Config() => $"""
        group = core
        admin-port = {AdminPort}
        admin-password = admin-{Password}
        admin-interface = 127.0.0.1
        admin-allow-ip = 127.0.0.1
        smsbox-port = {SmsboxPort}
        box-allow-ip = 127.0.0.1
        log-level = 1
        log-file = "{directory}/bearerbox.log"
        dlr-storage = internal

        group = smsc
        smsc = loopback
        smsc-id = loop

        group = smsbox
        bearerbox-host = 127.0.0.1
        bearerbox-port = {SmsboxPort}
        sendsms-port = {SendSmsPort}
        sendsms-interface = 127.0.0.1
        log-level = 1
        log-file = "{directory}/smsbox.log"

        group = sendsms-user
        username = {Username}
        password = {Password}
        max-messages = 10
        concatenation = true

        group = sms-service
        keyword = default
        catch-all = true
        max-messages = 0
        get-url = "http://127.0.0.1:{routedBack.Port}/mo?to=%P&from=%p&coding=%c&charset=%C&text=%b"
        """;

    private static Process Run(string box, string config)
    {
        // Debian installs the boxes in /usr/sbin, which a non-root PATH may lack.
        var path = File.Exists("/usr/sbin/" + box) ? "/usr/sbin/" + box : box;
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(config);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{box} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{box} is not on PATH; scripts/test.sh installs it (apt-get install kannel).", ex);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // The routed-back message: the text as Kannel's %b (its bytes, URL-encoded) in the charset %C names.
    private async Task OnRoutedBack(HttpContext http)
    {
        var query = HttpUtility.ParseQueryString(http.Request.QueryString.Value ?? string.Empty, Encoding.Latin1);
        var raw = http.Request.QueryString.Value ?? string.Empty;
        var textParameter = raw.Split(['?', '&']).FirstOrDefault(p => p.StartsWith("text=", StringComparison.Ordinal))?["text=".Length..] ?? string.Empty;
        var bytes = HttpUtility.UrlDecodeToBytes(textParameter);
        var encoding = query["charset"] is "UTF-16BE" ? Encoding.BigEndianUnicode : Encoding.UTF8;
        received.Enqueue(new RoutedSms(query["to"] ?? string.Empty, query["from"] ?? string.Empty, encoding.GetString(bytes), query["coding"] ?? string.Empty));
        http.Response.StatusCode = 200;
        await http.Response.WriteAsync(string.Empty);
    }

    // False when the box exited (or never opened the port) before it did.
    private static async Task<bool> WaitForPortAsync(int port, Process box)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < until && !box.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }

    // The loopback SMSC online and smsbox connected: only then does a sendsms reach the routing.
    private async Task WaitUntilOnlineAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < until)
        {
            try
            {
                var status = await http.GetStringAsync(new Uri($"http://127.0.0.1:{AdminPort}/status.txt?password=admin-{Password}"));
                if (status.Contains("online", StringComparison.Ordinal) && status.Contains("smsbox:", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Kannel's loopback SMSC or smsbox did not come online in time.");
    }
}
