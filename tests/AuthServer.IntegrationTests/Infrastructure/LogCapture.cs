using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A logger provider that keeps everything every category logs, at every level: the formatted message, the
/// structured values a JSON or OTLP log exporter would write, the scopes, and the whole exception (message, inner
/// exceptions, stack). <see cref="Install"/> lowers the server's minimum level to Trace and drops every filter rule.
/// </summary>
internal sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly Lock gate = new();
    private readonly List<Entry> entries = [];
    private IExternalScopeProvider? scopes;

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (gate)
            {
                return [.. entries];
            }
        }
    }

    /// <summary>Registers the capture at Trace for every category (applied after the server's own logging setup).</summary>
    public void Install(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(this);
        services.Configure<LoggerFilterOptions>(o =>
        {
            o.Rules.Clear();
            o.MinLevel = LogLevel.Trace;
        });
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private void Add(Entry entry)
    {
        lock (gate)
        {
            entries.Add(entry);
        }
    }

    /// <summary>One log record; <see cref="Text"/> is everything about it that any log sink could write.</summary>
    internal sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, string Text);

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => capture.scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var text = new StringBuilder(message);
            Append(text, state);
            capture.scopes?.ForEachScope((scope, sb) => Append(sb, scope), text);
            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }

            capture.Add(new Entry(category, logLevel, eventId, message, text.ToString()));
        }

        private static void Append(StringBuilder text, object? state)
        {
            text.Append(" | ").Append(Convert.ToString(state, CultureInfo.InvariantCulture));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append(' ').Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                }
            }
        }
    }
}
