using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Recovery.Client;

/// <summary>
/// Reads the development notification sink: a file where the server appends one JSON line per SMS or
/// e-mail (<c>Notifications:DevSink:Path</c>). Take a <see cref="Mark"/> before the call that sends a
/// message, then <see cref="WaitForAsync(long, string, TimeSpan, CancellationToken)"/> from that mark.
/// </summary>
/// <remarks>
/// The server may be writing while we read: only lines ended by a newline count, a line that does not
/// parse (e.g. the tail of one cut by a mark taken mid-write) is skipped, and a file that does not
/// exist yet is read as empty. If the file shrinks below the offset (recreated), reading restarts at 0.
/// </remarks>
public sealed class DevSinkReader
{
    /// <summary>How often <see cref="WaitForAsync(long, string, TimeSpan, CancellationToken)"/> polls: 50 ms unless given.</summary>
    public static readonly TimeSpan StandardPollInterval = TimeSpan.FromMilliseconds(50);

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    public DevSinkReader(string path, TimeSpan? pollInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        PollInterval = pollInterval ?? StandardPollInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(pollInterval));
    }

    /// <summary>The sink file's full path.</summary>
    public string Path { get; }

    public TimeSpan PollInterval { get; }

    /// <summary>The current length of the file in bytes, or 0 when it does not exist yet.</summary>
    public long Mark()
    {
        var file = new FileInfo(Path);
        return file.Exists ? file.Length : 0;
    }

    /// <summary>Every complete message written after <paramref name="fromOffset"/>, e.g. to assert that nothing was sent.</summary>
    public IReadOnlyList<DevSinkMessage> ReadSince(long fromOffset)
    {
        var messages = new List<DevSinkMessage>();
        ReadCompleteLines(fromOffset, messages);
        return messages;
    }

    /// <summary>
    /// Adds every complete message written after <paramref name="fromOffset"/> to <paramref name="into"/> and returns the
    /// offset the next read starts at (a line still being written is left for it), for a reader that tails the file.
    /// </summary>
    public long ReadSince(long fromOffset, ICollection<DevSinkMessage> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentOutOfRangeException.ThrowIfNegative(fromOffset);
        var batch = new List<DevSinkMessage>();
        var next = ReadCompleteLines(fromOffset, batch);
        foreach (var message in batch)
        {
            into.Add(message);
        }

        return next;
    }

    /// <summary>Waits for the first message with <paramref name="template"/> written after <paramref name="fromOffset"/>.</summary>
    /// <exception cref="TimeoutException">No such message appeared within <paramref name="timeout"/>.</exception>
    public Task<DevSinkMessage> WaitForAsync(long fromOffset, string template, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForAsync(fromOffset, template, null, timeout, cancellationToken);

    /// <summary>
    /// Waits for the first message with <paramref name="template"/> written after <paramref name="fromOffset"/>
    /// that also satisfies <paramref name="match"/> (useful when several flows share one sink).
    /// </summary>
    /// <exception cref="TimeoutException">No such message appeared within <paramref name="timeout"/>.</exception>
    public async Task<DevSinkMessage> WaitForAsync(
        long fromOffset, string template, Func<DevSinkMessage, bool>? match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        ArgumentOutOfRangeException.ThrowIfNegative(fromOffset);

        var started = DateTime.UtcNow;
        var position = fromOffset;
        var batch = new List<DevSinkMessage>();
        while (true)
        {
            batch.Clear();
            position = ReadCompleteLines(position, batch);
            foreach (var message in batch)
            {
                if (string.Equals(message.Template, template, StringComparison.Ordinal) && (match is null || match(message)))
                {
                    return message;
                }
            }

            var remaining = timeout - (DateTime.UtcNow - started);
            if (remaining <= TimeSpan.Zero)
            {
                var fileState = File.Exists(Path) ? $"the file has {Mark()} bytes" : "the file does not exist";
                throw new TimeoutException(string.Format(
                    CultureInfo.InvariantCulture,
                    "No '{0}' message appeared in the dev sink {1} after offset {2} within {3:0.###} s ({4}). " +
                    "Is the server running outside Production with Notifications__DevSink__Path={1}?",
                    template, Path, fromOffset, timeout.TotalSeconds, fileState));
            }

            await Task.Delay(remaining < PollInterval ? remaining : PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Parses every newline-terminated line from <paramref name="offset"/>; returns where the next read starts.</summary>
    private long ReadCompleteLines(long offset, List<DevSinkMessage> into)
    {
        byte[] bytes;
        try
        {
            using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < offset)
            {
                offset = 0; // The file was recreated: everything in it is newer than our mark.
            }

            stream.Seek(offset, SeekOrigin.Begin);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        catch (FileNotFoundException)
        {
            return offset;
        }
        catch (DirectoryNotFoundException)
        {
            return offset;
        }

        var start = 0;
        int newline;
        while ((newline = Array.IndexOf(bytes, (byte)'\n', start)) >= 0)
        {
            var line = new ReadOnlySpan<byte>(bytes, start, newline - start);
            if (TryParse(line, offset + start, out var message))
            {
                into.Add(message);
            }

            start = newline + 1;
        }

        // A trailing line without its newline is still being written: leave it for the next poll.
        return offset + start;
    }

    private static bool TryParse(ReadOnlySpan<byte> line, long offset, out DevSinkMessage message)
    {
        message = null!;
        if (line.StartsWith(Utf8Bom))
        {
            line = line[Utf8Bom.Length..];
        }

        if (line.Trim((byte)'\r').IsEmpty)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(line));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("values", out var valuesElement) && valuesElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in valuesElement.EnumerateObject())
                {
                    values[property.Name] = property.Value.ValueKind == JsonValueKind.String
                        ? property.Value.GetString()!
                        : property.Value.GetRawText();
                }
            }

            message = new DevSinkMessage(
                GetString(root, "channel"), GetString(root, "to"), GetString(root, "template"), values, GetString(root, "text"), offset);
            return true;
        }
        catch (JsonException)
        {
            return false; // Not one of ours, or the tail of a line cut by the mark: skip it.
        }
    }

    private static string GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString()! : string.Empty;
}
