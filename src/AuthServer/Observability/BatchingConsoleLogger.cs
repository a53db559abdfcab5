using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Recovery.AuthServer.Observability;

/// <summary>One category's logger of <see cref="BatchingConsoleLoggerProvider"/>: formats here, writes there.</summary>
internal sealed class BatchingConsoleLogger(BatchingConsoleLoggerProvider provider, string category) : ILogger
{
    // One buffer per thread: formatting a line allocates the line, not a writer.
    [ThreadStatic]
    private static StringWriter? buffer;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => provider.Scopes.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var writer = buffer ??= new StringWriter();
        var builder = writer.GetStringBuilder();
        builder.Clear();
        provider.Formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider.Scopes, writer);
        if (builder.Length == 0)
        {
            return;
        }

        var text = builder.ToString();

        // A buffer grown by a huge line (a stack trace) is not kept for the thread's lifetime.
        if (builder.Capacity > 16 * 1024)
        {
            buffer = null;
        }

        provider.Enqueue(text, provider.ToStandardError(logLevel));
    }
}
