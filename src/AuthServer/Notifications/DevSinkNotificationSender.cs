using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Appends each message as one JSON line so that a person, the client or a load test can read the
/// codes. It writes secrets in clear by design, which is why it runs only in Development.
/// </summary>
public sealed class DevSinkNotificationSender : INotificationSender, IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Mutex? acrossProcesses;
    private readonly string path;

    public DevSinkNotificationSender(IOptions<NotificationOptions> options, IHostEnvironment environment)
    {
        path = options.Value.DevSink.Path ?? throw new InvalidOperationException("Notifications:DevSink:Path is not set.");
        // Not only Production: a staging or test environment holds real phone numbers and e-mails too, and a
        // file of codes in clear there is as dangerous.
        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"Notifications:DevSink:Path is set, but the development sink writes codes in clear and runs only in Development, not in {environment.EnvironmentName}.");
        }

        var fullPath = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        acrossProcesses = SinkMutex(fullPath);
    }

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.Serialize(
            new
            {
                channel = notification.Channel == NotificationChannel.Sms ? "sms" : "email",
                to = notification.To,
                template = notification.Template,
                values = notification.Values,
                text = notification.Text,
            },
            Json) + "\n";

        // One writer at a time, one write per line, so readers never see interleaved lines. The semaphore orders this
        // sender's own writes without blocking a thread; the mutex orders them against every other sender on the file.
        await gate.WaitAsync(cancellationToken);
        try
        {
            AppendAlone(line);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        gate.Dispose();
        acrossProcesses?.Dispose();
    }

    /// <summary>
    /// A machine-wide mutex named after the file, or null where the platform offers none. Several nodes may share one
    /// sink (tests/e2e/two-nodes-on-redis.sh does), and .NET appends at the length it saw on opening the file, not with
    /// O_APPEND: two processes appending at once write over each other's line, and a message is lost.
    /// </summary>
    private static Mutex? SinkMutex(string fullPath)
    {
        var name = @"Global\recovery-devsink-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(fullPath)))[..32];
        try
        {
            return new Mutex(initiallyOwned: false, name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or WaitHandleCannotBeOpenedException or PlatformNotSupportedException)
        {
            // A development convenience must not stop the server: without the mutex, only this process's writes are ordered.
            return null;
        }
    }

    // Synchronous on purpose: a mutex is released by the thread that took it, so the write must not await in between.
    private void AppendAlone(string line)
    {
        if (acrossProcesses is null)
        {
            File.AppendAllText(path, line);
            return;
        }

        try
        {
            acrossProcesses.WaitOne();
        }
        catch (AbandonedMutexException)
        {
            // A process died holding it; the mutex is ours now and its last line, if cut, is skipped by every reader.
        }

        try
        {
            File.AppendAllText(path, line);
        }
        finally
        {
            acrossProcesses.ReleaseMutex();
        }
    }
}
