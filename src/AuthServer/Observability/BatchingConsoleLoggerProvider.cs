using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Observability;

/// <summary>
/// Console logging that writes lines in batches. Why: every audited step writes a line, and ASP.NET Core's console
/// logger takes a lock, wakes its writer thread and makes one write system call per line; under a burst of
/// StartRecovery calls that was about a twentieth of the server's CPU, for a line nobody reads within milliseconds.
/// Here a line is formatted on the caller's thread by the same <see cref="ConsoleFormatter"/> (so
/// <c>Logging:Console:FormatterName</c> and its options mean what they always meant), put in a lock-free queue, and a
/// writer thread wakes when the queue stops being empty, writes everything queued with one flush, then pauses
/// <see cref="FlushInterval"/> before the next batch, so a flood costs a few writes a second instead of one per line.
/// Nothing is dropped: past <c>Logging:Console:MaxQueueLength</c> queued lines the caller writes the batch itself,
/// and disposal (host shutdown) writes what is left.
/// </summary>
[ProviderAlias("Console")]
public sealed class BatchingConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    /// <summary>Pause after a batch: at most this long before a line reaches the console.</summary>
    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromMilliseconds(20);

    private readonly IOptionsMonitor<ConsoleLoggerOptions> options;
    private readonly Dictionary<string, ConsoleFormatter> formatters;
    private readonly TextWriter stdout;
    private readonly TextWriter stderr;
    private readonly ConcurrentQueue<(string Text, bool Error)> queue = new();
    private readonly SemaphoreSlim pending = new(0);
    private readonly Lock writing = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Thread writer;
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();
    private int queued;
    private int waiting;

    public BatchingConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters)
        : this(options, formatters, Buffered(Console.OpenStandardOutput()), Buffered(Console.OpenStandardError()), DefaultFlushInterval)
    {
    }

    /// <summary>For tests: other writers and another pause.</summary>
    internal BatchingConsoleLoggerProvider(
        IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters, TextWriter stdout, TextWriter stderr, TimeSpan flushInterval)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(formatters);
        this.options = options;
        this.formatters = formatters.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);
        this.stdout = stdout;
        this.stderr = stderr;
        FlushInterval = flushInterval;
        writer = new Thread(WriteLoop) { IsBackground = true, Name = "Console logger (batched)" };
        writer.Start();
    }

    public TimeSpan FlushInterval { get; }

    public ILogger CreateLogger(string categoryName) => new BatchingConsoleLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        stopping.Cancel();
        writer.Join(TimeSpan.FromSeconds(2));
        WriteQueued();
    }

    internal IExternalScopeProvider Scopes => scopes;

    internal ConsoleFormatter Formatter
    {
        get
        {
            var name = options.CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple;
            return formatters.TryGetValue(name, out var formatter) ? formatter : formatters[ConsoleFormatterNames.Simple];
        }
    }

    internal bool ToStandardError(LogLevel level) => level >= options.CurrentValue.LogToStandardErrorThreshold;

    internal void Enqueue(string text, bool error)
    {
        queue.Enqueue((text, error));
        var count = Interlocked.Increment(ref queued);

        // A full queue is written by the caller (back-pressure, never a lost line); a stopped writer likewise.
        if (count > options.CurrentValue.MaxQueueLength || stopping.IsCancellationRequested)
        {
            WriteQueued();
            return;
        }

        // Only a writer that sleeps on an empty queue needs waking: one wake per batch, not per line.
        if (Volatile.Read(ref waiting) == 1 && Interlocked.CompareExchange(ref waiting, 0, 1) == 1)
        {
            pending.Release();
        }
    }

    // Console.Out flushes on every write (one system call a line); these flush once a batch.
    private static StreamWriter Buffered(Stream stream) => new(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024) { AutoFlush = false };

    private void WriteLoop()
    {
        while (!stopping.IsCancellationRequested)
        {
            if (queue.IsEmpty)
            {
                // A full fence, paired with the producer's Interlocked.Increment: either it sees the flag or this
                // sees its line.
                Interlocked.Exchange(ref waiting, 1);

                // A line queued between the check and the flag would otherwise wait for the next one.
                if (queue.IsEmpty)
                {
                    try
                    {
                        pending.Wait(stopping.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                else if (Interlocked.CompareExchange(ref waiting, 0, 1) != 1)
                {
                    // A producer took the flag and released the semaphore: consume that release.
                    pending.Wait(CancellationToken.None);
                }
            }

            WriteQueued();
            stopping.Token.WaitHandle.WaitOne(FlushInterval);
        }
    }

    private void WriteQueued()
    {
        lock (writing)
        {
            bool wroteOut = false, wroteError = false;
            try
            {
                while (queue.TryDequeue(out var line))
                {
                    Interlocked.Decrement(ref queued);
                    (line.Error ? stderr : stdout).Write(line.Text);
                    wroteOut |= !line.Error;
                    wroteError |= line.Error;
                }
            }
            finally
            {
                if (wroteOut)
                {
                    stdout.Flush();
                }

                if (wroteError)
                {
                    stderr.Flush();
                }
            }
        }
    }
}
