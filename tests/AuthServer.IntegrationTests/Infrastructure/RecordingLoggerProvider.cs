using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>Keeps every log line of Warning and above that the server writes, so a test can assert that none reports an exception.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Exception)> entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message, Exception? Exception)> Entries => [.. entries];

    /// <summary>Lines of Error and above, or carrying an exception: what "a bug reached the log" looks like.</summary>
    public IEnumerable<string> Errors =>
        entries.Where(e => e.Level >= LogLevel.Error || e.Exception is not null).Select(e => $"{e.Category}: {e.Message}");

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string, Exception?)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue((category, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
