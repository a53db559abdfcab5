using System.Text.Json;
using Recovery.Client;
using Recovery.Client.Burst;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The burst runner's one reader of the dev sink: woken by the file's changes (inotify), it hands each message to the
/// flow waiting for it and keeps the others until their flow asks. A real file, appended to as the server's sink does.
/// </summary>
public sealed class SinkTailTests : IDisposable
{
    // Generous: the message is written at once; only a reader that is never woken would wait this long.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Longer than any test: a tail that delivers within the timeout was woken by the watcher, not by its slow poll.
    private static readonly TimeSpan NoPoll = TimeSpan.FromHours(1);

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("recovery-sink-tail-");

    private string SinkPath => Path.Combine(directory.FullName, "sink.jsonl");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task WaitAsync_MessageAppendedWhileWaiting_IsHandedOverOnTheFileChangeNotAPoll()
    {
        await File.WriteAllTextAsync(SinkPath, Line("+34600000009", DevSinkTemplates.RecoveryCode, "111111"));
        await using var tail = new SinkTail(new DevSinkReader(SinkPath), UnlockFlow.Templates, NoPoll);
        Assert.True(tail.Watching);

        var waiting = tail.WaitAsync("+34600000001", DevSinkTemplates.RecoveryCode, _ => true, Timeout, CancellationToken.None);
        await File.AppendAllTextAsync(SinkPath, Line("+34600000002", DevSinkTemplates.RecoveryCode, "222222"));
        await File.AppendAllTextAsync(SinkPath, Line("+34600000001", DevSinkTemplates.RecoveryCode, "333333"));

        var message = await waiting.WaitAsync(Timeout * 2);
        Assert.Equal("333333", message.GetValue(DevSinkTemplates.CodeKey));

        // Another flow's message, read in the same change, was kept for it; a line written before the tail began was not.
        var kept = await tail.WaitAsync("+34600000002", DevSinkTemplates.RecoveryCode, _ => true, Timeout, CancellationToken.None)
            .WaitAsync(Timeout * 2);
        Assert.Equal("222222", kept.GetValue(DevSinkTemplates.CodeKey));
        await Assert.ThrowsAsync<TimeoutException>(() =>
            tail.WaitAsync("+34600000009", DevSinkTemplates.RecoveryCode, _ => true, TimeSpan.FromMilliseconds(200), CancellationToken.None));
    }

    [Fact]
    public async Task WaitAsync_SinkDirectoryMissingAtStart_PollsAndStillHandsTheMessageOver()
    {
        var path = Path.Combine(directory.FullName, "later", "sink.jsonl");
        await using var tail = new SinkTail(new DevSinkReader(path), UnlockFlow.Templates, NoPoll);
        Assert.False(tail.Watching);

        var waiting = tail.WaitAsync("+34600000001", DevSinkTemplates.OperationCode, m => m.Values.GetValueOrDefault(DevSinkTemplates.ReferenceKey) == "R2",
            Timeout, CancellationToken.None);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.AppendAllTextAsync(path, Line("+34600000001", DevSinkTemplates.OperationCode, "444444", "R1"));
        await File.AppendAllTextAsync(path, Line("+34600000001", DevSinkTemplates.OperationCode, "555555", "R2"));

        var message = await waiting.WaitAsync(Timeout * 2);
        Assert.Equal("555555", message.GetValue(DevSinkTemplates.CodeKey));
    }

    private static string Line(string to, string template, string code, string? reference = null)
    {
        var values = new Dictionary<string, string> { [DevSinkTemplates.CodeKey] = code };
        if (reference is not null)
        {
            values[DevSinkTemplates.ReferenceKey] = reference;
        }

        return JsonSerializer.Serialize(new { channel = "sms", to, template, values, text = "código" }) + "\n";
    }
}
