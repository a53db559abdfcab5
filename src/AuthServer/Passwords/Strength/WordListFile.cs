using System.IO.Compression;
using System.Text;

namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// Reads a shipped list (one entry a line, plain or gzip) strictly: a missing file, a damaged gzip
/// stream (its CRC catches truncation) or bytes that are not UTF-8 throw, so a bad deployment stops
/// the host instead of quietly judging passwords against half a list (fail closed).
/// </summary>
internal static class WordListFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The non-empty lines that are not comments ('#').</summary>
    public static List<string> ReadEntries(string path) => Read(path, everyLine: false);

    /// <summary>Every line, empty ones included: for a list whose ranks are line numbers (zxcvbn's).</summary>
    public static List<string> ReadLines(string path) => Read(path, everyLine: true);

    private static List<string> Read(string path, bool everyLine)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The list {path} is missing; the server refuses to start without it.", path);
        }

        try
        {
            using var file = File.OpenRead(path);
            using Stream content = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(file, CompressionMode.Decompress)
                : file;
            using var reader = new StreamReader(content, StrictUtf8, detectEncodingFromByteOrderMarks: false);
            var entries = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                if (everyLine || (line.Length > 0 && !line.StartsWith('#')))
                {
                    entries.Add(line);
                }
            }

            return entries;
        }
        catch (Exception e) when (e is InvalidDataException or DecoderFallbackException)
        {
            throw new InvalidDataException($"The list {path} is damaged ({e.Message}); the server refuses to start with it.", e);
        }
    }
}
