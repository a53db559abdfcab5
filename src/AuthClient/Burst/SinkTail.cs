using System.Globalization;

namespace Recovery.Client.Burst;

/// <summary>
/// One reader of the dev sink for every flow of a run: a single loop tails the file and hands each message to the
/// flow waiting for it (by destination and template), or keeps it until that flow asks. Hundreds of flows each
/// polling and parsing the file from their own mark would spend the client's CPU (on the server's cores, when
/// both share a machine) on reading the same lines again and again.
/// </summary>
internal sealed class SinkTail : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly DevSinkReader _reader;
    private readonly HashSet<string> _templates;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string To, string Template), List<DevSinkMessage>> _unclaimed = [];
    private readonly Dictionary<(string To, string Template), List<Waiter>> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _position;

    /// <summary>Starts tailing from the file's current end: only messages written from now on are handed out.</summary>
    public SinkTail(DevSinkReader reader, IEnumerable<string> templates)
    {
        _reader = reader;
        _templates = [.. templates];
        _position = reader.Mark();
        _loop = Task.Run(LoopAsync);
    }

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
    }

    private async Task LoopAsync()
    {
        var batch = new List<DevSinkMessage>();
        while (!_stop.IsCancellationRequested)
        {
            batch.Clear();
            _position = _reader.ReadSince(_position, batch);
            foreach (var message in batch)
            {
                if (_templates.Contains(message.Template))
                {
                    Deliver(message);
                }
            }

            await Task.Delay(PollInterval, _stop.Token).ConfigureAwait(false);
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
