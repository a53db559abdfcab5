using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Hosting;
using Recovery.AuthServer.Observability;

namespace Recovery.AuthServer.UnitTests.Observability;

/// <summary>
/// The console provider that writes in batches: every line once and in order, few writes for many lines, no line lost
/// when the queue is full or the host stops, and the same formatters and options as ASP.NET Core's.
/// </summary>
public sealed partial class BatchingConsoleLoggerProviderTests
{
    private static readonly TimeSpan LongPause = TimeSpan.FromMinutes(5);

    [Fact]
    public void Log_EightThreadsAtOnce_EveryLineOnceAndInOrderPerThread()
    {
        var output = new CountingWriter();
        using (var provider = Create(output, new CountingWriter(), TimeSpan.FromMilliseconds(1), o => o.FormatterName = ConsoleFormatterNames.Simple))
        {
            var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
            {
                var logger = provider.CreateLogger("Recovery.Test" + t);
                for (var i = 0; i < 2000; i++)
                {
                    LogLine(logger, t, i);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }

        var lines = output.Text.Split('\n').Where(l => l.Contains("line ", StringComparison.Ordinal)).Select(l => l.Trim()["line ".Length..]).ToList();
        Assert.Equal(8 * 2000, lines.Count);
        for (var t = 0; t < 8; t++)
        {
            Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"{t}:{i}"), lines.Where(l => l.StartsWith($"{t}:", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void Log_ThousandsOfLinesWithinOnePause_AtMostTwoWrites()
    {
        var output = new CountingWriter();
        // A queue long enough for all of them (past it the callers would write themselves: the next test).
        using (var provider = Create(output, new CountingWriter(), LongPause, o => o.MaxQueueLength = 10_000))
        {
            var logger = provider.CreateLogger("Recovery.Audit");
            for (var i = 0; i < 3000; i++)
            {
                LogDecoy(logger, i);
            }
        }

        // The writer wakes for the first line and writes what is queued; the rest waits for the pause to end (here:
        // the host stopping). ASP.NET Core's console logger would have written and flushed 3000 times.
        Assert.InRange(output.Flushes, 1, 2);
        Assert.Equal(3000, output.Lines("audit recovery.start decoy"));
    }

    [Fact]
    public void Log_QueueFull_CallerWritesTheBatchNoLineLost()
    {
        var output = new CountingWriter();
        using var provider = Create(output, new CountingWriter(), LongPause, o => o.MaxQueueLength = 10);
        var logger = provider.CreateLogger("Recovery.Audit");

        for (var i = 0; i < 100; i++)
        {
            LogAudit(logger, i);
        }

        // The writer is in its pause (or ending its first batch: one line in its hands); all but the last few lines
        // were written by the callers themselves.
        Assert.InRange(output.Lines("audit "), 89, 100);
        provider.Dispose();
        Assert.Equal(100, output.Lines("audit "));
    }

    [Fact]
    public void Log_WarningWithStandardErrorThreshold_GoesToStandardError()
    {
        var output = new CountingWriter();
        var errors = new CountingWriter();
        using (var provider = Create(output, errors, LongPause, o => o.LogToStandardErrorThreshold = LogLevel.Warning))
        {
            var logger = provider.CreateLogger("Recovery.Test");
            LogInformationLine(logger);
            LogWarningLine(logger);
        }

        Assert.Equal(1, output.Lines("an information"));
        Assert.Equal(0, output.Lines("a warning"));
        Assert.Equal(1, errors.Lines("a warning"));
        Assert.Equal(0, errors.Lines("an information"));
    }

    [Fact]
    public void Log_JsonFormatterConfigured_EachLineIsTheJsonFormattersRecord()
    {
        var output = new CountingWriter();
        using (var provider = Create(output, new CountingWriter(), LongPause, o => o.FormatterName = ConsoleFormatterNames.Json))
        {
            using var scope = provider.CreateLogger("Recovery.Audit").BeginScope("ignored without IncludeScopes");
            var logger = provider.CreateLogger("Recovery.Audit");
            LogStep(logger, "recovery.start", "decoy");
        }

        var record = JsonDocument.Parse(output.Text.Trim()).RootElement;
        Assert.Equal("Recovery.Audit", record.GetProperty("Category").GetString());
        Assert.Equal(9000, record.GetProperty("EventId").GetInt32());
        Assert.Equal("audit recovery.start decoy", record.GetProperty("Message").GetString());
        Assert.Equal("decoy", record.GetProperty("State").GetProperty("Outcome").GetString());
    }

    [Fact]
    public void AddRecoveryObservability_HostWithConsoleLogging_BatchingProviderInItsPlace()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));

        builder.AddRecoveryObservability();

        var providers = builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider)).Select(d => d.ImplementationType).ToList();
        Assert.DoesNotContain(typeof(ConsoleLoggerProvider), providers);
        Assert.Single(providers, t => t == typeof(BatchingConsoleLoggerProvider));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "line {Thread}:{Index}")]
    private static partial void LogLine(ILogger logger, int thread, int index);

    [LoggerMessage(Level = LogLevel.Information, Message = "audit recovery.start decoy {Index}")]
    private static partial void LogDecoy(ILogger logger, int index);

    [LoggerMessage(Level = LogLevel.Information, Message = "audit {Index}")]
    private static partial void LogAudit(ILogger logger, int index);

    [LoggerMessage(Level = LogLevel.Information, Message = "an information")]
    private static partial void LogInformationLine(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "a warning")]
    private static partial void LogWarningLine(ILogger logger);

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "audit {Action} {Outcome}")]
    private static partial void LogStep(ILogger logger, string action, string outcome);

    private static BatchingConsoleLoggerProvider Create(TextWriter output, TextWriter errors, TimeSpan pause, Action<ConsoleLoggerOptions>? configure = null)
    {
        var services = new ServiceCollection()
            .AddLogging(b => b.AddConsole())
            .Configure<ConsoleLoggerOptions>(o => configure?.Invoke(o))
            .BuildServiceProvider();
        return new BatchingConsoleLoggerProvider(
            services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), services.GetServices<ConsoleFormatter>(), output, errors, pause);
    }

    /// <summary>A writer that counts its flushes (one per batch) and can be read while the provider writes.</summary>
    private sealed class CountingWriter : TextWriter
    {
        private readonly StringBuilder text = new();
        private readonly Lock gate = new();
        private int flushes;

        public override Encoding Encoding => Encoding.UTF8;

        public int Flushes => Volatile.Read(ref flushes);

        public string Text
        {
            get
            {
                lock (gate)
                {
                    return text.ToString();
                }
            }
        }

        public int Lines(string containing) => Text.Split('\n').Count(l => l.Contains(containing, StringComparison.Ordinal));

        public override void Write(char value)
        {
            lock (gate)
            {
                text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (gate)
            {
                text.Append(value);
            }
        }

        public override void Flush() => Interlocked.Increment(ref flushes);
    }
}
