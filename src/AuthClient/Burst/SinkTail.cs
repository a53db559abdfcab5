using System.Globalization;

namespace Recovery.Client.Burst;

/// <summary>
/// One reader of the dev sink for every flow of a run: a single loop tails the file and hands each message to the
/// flow waiting for it (by destination and template), or keeps it until that flow asks. Hundreds of flows each
/// polling and parsing the file from their own mark would spend the client's CPU (on the server's cores, when
/// both share a machine) on reading the same lines again and again.
/// </summary>
/// <remarks>
/// The loop reads when the file changes (a <see cref="FileSystemWatcher"/>: inotify on Linux), not on a clock: a flow
/// waits three times for a message, and a 20 ms poll left each wait 10 ms longer on average than the server took to
/// write it, time in which a closed loop's worker neither hashes nor lets another hash. A slow poll stays behind
/// the watcher, for an event it drops (an overflowing queue) or a file system without notifications; where no
/// watcher can be made at all (no inotify instance left), the loop polls at the short interval as before.
/// </remarks>
internal sealed class SinkTail : IAsyncDisposable
{
    /// <summary>How often the loop reads when no watcher could be made.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>How often the loop reads anyway beside a watcher, in case it missed a change.</summary>
    public static readonly TimeSpan StandardWatchedPollInterval = TimeSpan.FromMilliseconds(250);

    private readonly DevSinkReader _reader;
    private readonly HashSet<string> _templates;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string To, string Template), List<DevSinkMessage>> _unclaimed = [];
    private readonly Dictionary<(string To, string Template), List<Waiter>> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly FileSystemWatcher? _watcher;
    private readonly TimeSpan _pollInterval;
    private readonly Task _loop;
    private long _position;
    private int _signalled;

    /// <summary>Starts tailing from the file's current end: only messages written from now on are handed out.</summary>
    /// <param name="reader">The sink.</param>
    /// <param name="templates">The templates handed out; other messages are skipped.</param>
    /// <param name="watchedPollInterval">The read beside the watcher (default <see cref="StandardWatchedPollInterval"/>).</param>
    public SinkTail(DevSinkReader reader, IEnumerable<string> templates, TimeSpan? watchedPollInterval = null)
    {
        _reader = reader;
        _templates = [.. templates];
        _position = reader.Mark();
        _watcher = TryWatch(reader.Path, OnChanged);
        _pollInterval = _watcher is null ? PollInterval : watchedPollInterval ?? StandardWatchedPollInterval;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Whether the file's changes wake the loop (false: it polls every <see cref="PollInterval"/>).</summary>
    public bool Watching => _watcher is not null;

    /// <summary>The first message of <paramref name="template"/> to <paramref name="to"/> that satisfies <paramref name="match"/>.</summary>
    /// <exception cref="TimeoutException">None arrived within <paramref name="timeout"/>.</exception>
    public async Task<DevSinkMessage> WaitAsync(
        string to, string template, Func<DevSinkMessage, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var key = (to, template);
        var waiter = new Waiter(match);
        lock (_gate)
        {
            if (_unclaimed.TryGetValue(key, out var kept) && kept.FindIndex(m => match(m)) is var index and >= 0)
            {
                var message = kept[index];
                kept.RemoveAt(index);
                if (kept.Count == 0)
                {
                    _unclaimed.Remove(key);
                }

                return message;
            }

            Add(_waiters, key, waiter);
        }

        try
        {
            return await waiter.Arrived.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                Remove(_waiters, key, waiter);
            }

            if (waiter.Arrived.Task.IsCompletedSuccessfully)
            {
                return waiter.Arrived.Task.Result; // it arrived as the wait ran out
            }

            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"No '{template}' message for this customer appeared in the dev sink {_reader.Path} within {timeout.TotalSeconds:0.###} s."));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loop's normal end.
        }

        _stop.Dispose();
        _changed.Dispose();
    }

    private static FileSystemWatcher? TryWatch(string path, Action wake)
    {
        var directory = System.IO.Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            return null;
        }

        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(directory, System.IO.Path.GetFileName(path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => wake();
            watcher.Created += (_, _) => wake();
            watcher.Renamed += (_, _) => wake();
            watcher.Error += (_, _) => wake(); // e.g. an overflow: some change may have gone unseen, so read now
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // No inotify instance or watch left, or no notifications here: the loop polls instead.
            watcher?.Dispose();
            return null;
        }
    }

    // Called on the watcher's thread for every change: one wake-up is enough for any number of changes until the loop
    // reads again, since each read takes everything the file holds.
    private void OnChanged()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (ObjectDisposedException)
            {
                // The tail is being disposed.
            }
        }
    }

    private async Task LoopAsync()
    {
        var batch = new List<DevSinkMessage>();
        while (!_stop.IsCancellationRequested)
        {
            // Cleared before the read: a change from now on is either in this read or wakes the next one.
            Interlocked.Exchange(ref _signalled, 0);
            batch.Clear();
            _position = _reader.ReadSince(_position, batch);
            foreach (var message in batch)
            {
                if (_templates.Contains(message.Template))
                {
                    Deliver(message);
                }
            }

            await _changed.WaitAsync(_pollInterval, _stop.Token).ConfigureAwait(false);
        }
    }

    private void Deliver(DevSinkMessage message)
    {
        var key = (message.To, message.Template);
        lock (_gate)
        {
            if (_waiters.TryGetValue(key, out var waiting) && waiting.Find(w => w.Match(message)) is { } waiter)
            {
                Remove(_waiters, key, waiter);
                waiter.Arrived.TrySetResult(message);
                return;
            }

            Add(_unclaimed, key, message);
        }
    }

    private static void Add<T>(Dictionary<(string, string), List<T>> into, (string, string) key, T item)
    {
        if (!into.TryGetValue(key, out var list))
        {
            into[key] = list = [];
        }

        list.Add(item);
    }

    private static void Remove<T>(Dictionary<(string, string), List<T>> from, (string, string) key, T item)
    {
        if (from.TryGetValue(key, out var list) && list.Remove(item) && list.Count == 0)
        {
            from.Remove(key);
        }
    }

    private sealed class Waiter(Func<DevSinkMessage, bool> match)
    {
        public Func<DevSinkMessage, bool> Match { get; } = match;

        public TaskCompletionSource<DevSinkMessage> Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
