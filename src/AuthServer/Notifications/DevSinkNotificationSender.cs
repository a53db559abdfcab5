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

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
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

        // One writer at a time, one write per line, so readers never see interleaved lines.
        await gate.WaitAsync(cancellationToken);
        try
        {
            await File.AppendAllTextAsync(path, line, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
