using System.Globalization;
using System.Text;

namespace Recovery.Client.CommandLine;

/// <summary>
/// Reads what the user types. Keys are read one by one (for masking and the live strength meter) only
/// when the input is the real, unredirected console; otherwise whole lines come from the given reader,
/// so pipes, CI and in-process tests behave the same and never block on a key.
/// </summary>
internal sealed class Terminal
{
    private static readonly TimeSpan KeyPollInterval = TimeSpan.FromMilliseconds(15);

    private readonly TextReader _input;
    private readonly TextWriter _output;

    public Terminal(TextReader input, TextWriter output, bool isConsole)
    {
        _input = input;
        _output = output;
        CanReadKeys = isConsole && !Console.IsInputRedirected;
        CanRedraw = CanReadKeys && !Console.IsOutputRedirected;
    }

    public bool CanReadKeys { get; }

    private bool CanRedraw { get; }

    /// <summary>Shows <paramref name="prompt"/> and reads a line; null when the input has ended.</summary>
    public string? ReadLine(string prompt)
    {
        _output.Write(prompt);
        _output.Flush();
        var line = _input.ReadLine()?.Trim();
        EndPromptLine();
        return line;
    }

    /// <summary>Reads a secret, echoing '*' per character when reading keys.</summary>
    public async Task<string?> ReadSecretAsync(string prompt, CancellationToken cancellationToken)
    {
        if (!CanReadKeys)
        {
            _output.Write(prompt);
            _output.Flush();
            var line = _input.ReadLine();
            EndPromptLine();
            return line;
        }

        var text = new StringBuilder();
        _output.Write(prompt);
        while (true)
        {
            var key = await ReadKeyAsync(cancellationToken).ConfigureAwait(false);
            if (key.Key == ConsoleKey.Enter)
            {
                _output.WriteLine();
                return text.ToString();
            }

            if (Edit(text, key))
            {
                _output.Write($"\r{prompt}{new string('*', text.Length)} \b");
            }
        }
    }

    /// <summary>
    /// Reads a new password showing, after each keystroke, what <paramref name="meter"/> says of it on the
    /// same line (e.g. "Fortaleza: Media · …"). Without a console the meter is shown once, after the line.
    /// </summary>
    public async Task<string?> ReadPasswordWithMeterAsync(
        string prompt, Func<string, CancellationToken, Task<string>> meter, CancellationToken cancellationToken)
    {
        if (!CanReadKeys)
        {
            var line = await ReadSecretAsync(prompt, cancellationToken).ConfigureAwait(false);
            if (line is not null)
            {
                _output.WriteLine(await meter(line, cancellationToken).ConfigureAwait(false));
            }

            return line;
        }

        var text = new StringBuilder();
        var status = string.Empty;
        var drawn = 0;
        Redraw();
        while (true)
        {
            var key = await ReadKeyAsync(cancellationToken).ConfigureAwait(false);
            if (key.Key == ConsoleKey.Enter)
            {
                _output.WriteLine();
                if (!CanRedraw && text.Length > 0)
                {
                    _output.WriteLine(await meter(text.ToString(), cancellationToken).ConfigureAwait(false));
                }

                return text.ToString();
            }

            // Evaluate only when the user pauses: a burst of keys (or a paste) costs one call, not one per key.
            if (!Edit(text, key) || Console.KeyAvailable || !CanRedraw)
            {
                continue;
            }

            status = text.Length == 0 ? string.Empty : await meter(text.ToString(), cancellationToken).ConfigureAwait(false);
            Redraw();
        }

        void Redraw()
        {
            var line = $"{prompt}{new string('*', text.Length)}";
            if (!CanRedraw)
            {
                if (drawn == 0)
                {
                    _output.Write(line);
                    drawn = line.Length;
                }

                return;
            }

            if (status.Length > 0)
            {
                line += "   " + status;
            }

            // Wrapping would break the carriage-return redraw, so the line is cut to the window.
            var width = WindowWidth() - 1;
            if (line.Length > width)
            {
                line = line[..Math.Max(prompt.Length, width - 1)] + "…";
            }

            _output.Write("\r" + line.PadRight(drawn));
            _output.Write("\r" + line[..Math.Min(line.Length, prompt.Length + text.Length)]);
            drawn = line.Length;
        }
    }

    // Typed input read as lines is not echoed when it comes from a pipe; end the prompt's line so a log stays readable.
    private void EndPromptLine()
    {
        if (!CanReadKeys)
        {
            _output.WriteLine();
        }
    }

    /// <summary>Applies a key to the text; false when the key changed nothing.</summary>
    private static bool Edit(StringBuilder text, ConsoleKeyInfo key)
    {
        if (key.Key == ConsoleKey.Backspace)
        {
            if (text.Length == 0)
            {
                return false;
            }

            // Remove a whole character, not half of a surrogate pair or a combining sequence.
            var elements = StringInfo.GetTextElementEnumerator(text.ToString());
            var lastStart = 0;
            while (elements.MoveNext())
            {
                lastStart = elements.ElementIndex;
            }

            text.Length = lastStart;
            return true;
        }

        if (char.IsControl(key.KeyChar) || key.KeyChar == '\0')
        {
            return false;
        }

        text.Append(key.KeyChar);
        return true;
    }

    private static async Task<ConsoleKeyInfo> ReadKeyAsync(CancellationToken cancellationToken)
    {
        // Polling rather than a blocking ReadKey lets Ctrl+C (which cancels the token) end the wait.
        while (!Console.KeyAvailable)
        {
            await Task.Delay(KeyPollInterval, cancellationToken).ConfigureAwait(false);
        }

        return Console.ReadKey(intercept: true);
    }

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth > 20 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
