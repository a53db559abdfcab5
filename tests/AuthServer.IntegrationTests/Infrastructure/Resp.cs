using System.Text;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Just enough of the Redis protocol (RESP2 and RESP3) to find where one value ends in a byte stream, and to read a
/// command's words. Used by <see cref="RedisTripProxy"/>, which forwards the bytes unchanged.
/// </summary>
internal static class Resp
{
    /// <summary>
    /// Reads one complete value starting at <paramref name="start"/>; false when the buffer holds only part of it.
    /// <paramref name="words"/>, when given, receives the bulk strings of a top-level array (a command's name and
    /// arguments) or the words of an inline command.
    /// </summary>
    public static bool TryRead(byte[] buffer, int start, int end, out int next, out bool push, List<string>? words = null)
    {
        push = start < end && buffer[start] == (byte)'>';
        return TryReadValue(buffer, start, end, out next, words, topLevel: true);
    }

    private static bool TryReadValue(byte[] buffer, int start, int end, out int next, List<string>? words, bool topLevel)
    {
        next = start;
        var lineEnd = IndexOfCrLf(buffer, start, end);
        if (lineEnd < 0)
        {
            return false;
        }

        var type = (char)buffer[start];
        var afterLine = lineEnd + 2;
        switch (type)
        {
            case '+' or '-' or ':' or '_' or ',' or '#' or '(':
                next = afterLine;
                return true;
            case '$' or '!' or '=':
                {
                    var length = ParseInt(buffer, start + 1, lineEnd);
                    if (length < 0)
                    {
                        next = afterLine;
                        return true;
                    }

                    if (afterLine + length + 2 > end)
                    {
                        return false;
                    }

                    words?.Add(Encoding.UTF8.GetString(buffer, afterLine, length));
                    next = afterLine + length + 2;
                    return true;
                }

            case '*' or '>' or '~' or '%' or '|':
                {
                    var count = ParseInt(buffer, start + 1, lineEnd);
                    var elements = type is '%' or '|' ? 2 * count : count;
                    var position = afterLine;
                    for (var i = 0; i < elements; i++)
                    {
                        if (!TryReadValue(buffer, position, end, out position, topLevel ? words : null, topLevel: false))
                        {
                            return false;
                        }
                    }

                    // An attribute annotates the value that follows it: both are one reply.
                    if (type == '|')
                    {
                        return TryReadValue(buffer, position, end, out next, words, topLevel);
                    }

                    next = position;
                    return true;
                }

            default:
                // An inline command (redis-cli style): words separated by spaces.
                words?.AddRange(Encoding.UTF8.GetString(buffer, start, lineEnd - start).Split(' ', StringSplitOptions.RemoveEmptyEntries));
                next = afterLine;
                return true;
        }
    }

    private static int IndexOfCrLf(byte[] buffer, int start, int end)
    {
        var index = Array.IndexOf(buffer, (byte)'\r', start, end - start);
        while (index >= 0 && index + 1 < end)
        {
            if (buffer[index + 1] == (byte)'\n')
            {
                return index;
            }

            index = Array.IndexOf(buffer, (byte)'\r', index + 1, end - index - 1);
        }

        return -1;
    }

    private static int ParseInt(byte[] buffer, int start, int end) =>
        int.Parse(Encoding.ASCII.GetString(buffer, start, end - start), System.Globalization.CultureInfo.InvariantCulture);
}
