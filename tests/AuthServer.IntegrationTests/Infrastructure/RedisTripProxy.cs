using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback between a server under test and a real redis-server that counts the SEQUENTIAL round trips
/// of a call: it reads the commands going one way and the replies coming back (RESP, forwarded unchanged) and holds
/// every reply for <see cref="Hold"/> before passing it on. The grouping is causal, so CPU noise on a loaded machine
/// cannot merge two steps: a command that reached the proxy before any reply of the current step was released cannot
/// depend on that step, so it belongs to it (pipelined, or sent by <c>Task.WhenAll</c>); a command that arrives after
/// a release starts a new step. The hold makes the other error (a pipelined batch split because its second command
/// was written after a release) need a scheduling stall longer than the hold. Housekeeping (PING, INFO, CLIENT,
/// SUBSCRIBE…) is forwarded and held like the rest but not counted; background readers are the test's to switch off
/// (see <see cref="WithoutBackgroundReaders"/>).
/// </summary>
public sealed class RedisTripProxy : IAsyncDisposable
{
    /// <summary>
    /// How long each reply is held: far longer than the gap between the commands of one pipelined step, even on a shared
    /// machine under load (at 100 ms, one run in about twenty split a step at a load average of 24). A longer hold can
    /// only make a split rarer; it cannot merge two steps (the grouping is causal).
    /// </summary>
    public static readonly TimeSpan DefaultHold = TimeSpan.FromMilliseconds(250);

    private static readonly HashSet<string> Housekeeping = new(StringComparer.OrdinalIgnoreCase)
    {
        "PING", "ECHO", "INFO", "CLIENT", "CONFIG", "CLUSTER", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE",
        "PUNSUBSCRIBE", "SUNSUBSCRIBE", "SELECT", "HELLO", "AUTH", "COMMAND", "ROLE", "TIME", "SCRIPT", "READONLY", "SENTINEL",
    };

    private readonly TcpListener listener;
    private readonly int redisPort;
    private readonly long holdTicks;
    private readonly List<SentCommand> sent = [];
    private readonly List<TcpClient> sockets = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private int connections;

    private RedisTripProxy(int redisPort, TimeSpan hold)
    {
        this.redisPort = redisPort;
        Hold = hold;
        holdTicks = (long)(hold.TotalSeconds * Stopwatch.Frequency);
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        accepting = AcceptAsync();
    }

    public TimeSpan Hold { get; }

    /// <summary>A StackExchange.Redis configuration string that goes through the proxy.</summary>
    public string Configuration => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public static RedisTripProxy Start(RedisServer redis, TimeSpan? hold = null) => new(redis.Port, hold ?? DefaultHold);

    /// <summary>
    /// Test services that remove the outbox dispatcher, whose reads of the queue run beside every RPC and are not part
    /// of any (the enqueue of a step is, and is counted).
    /// </summary>
    public static void WithoutBackgroundReaders(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        var readers = services.Where(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) &&
            d.ImplementationType == typeof(Notifications.NotificationDispatcher)).ToList();
        foreach (var reader in readers)
        {
            services.Remove(reader);
        }
    }

    /// <summary>Runs <paramref name="call"/> once the proxy is quiet and returns the round trips made while it ran.</summary>
    public async Task<RoundTrips> CountAsync(Func<Task> call) =>
        (await MeasureAsync(async () =>
        {
            await call();
            return true;
        })).Trips;

    /// <summary>Runs <paramref name="call"/> once the proxy is quiet; returns its result and the round trips made while it ran.</summary>
    public async Task<(T Result, RoundTrips Trips)> MeasureAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        await QuietAsync();
        var start = Stopwatch.GetTimestamp();
        var result = await call();
        var end = Stopwatch.GetTimestamp();
        List<SentCommand> window;
        lock (sent)
        {
            window = sent.Where(c => c.Arrived >= start && c.Arrived <= end && c.Counted).OrderBy(c => c.Arrived).ToList();
        }

        return (result, Group(window));
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        lock (sockets)
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        try
        {
            await accepting.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        stopping.Dispose();
    }

    // Causal grouping: a command joins the current step unless a reply of that step was already released when it
    // arrived (only then could it have waited for one).
    private static RoundTrips Group(List<SentCommand> window)
    {
        var steps = new List<List<string>>();
        var firstRelease = long.MinValue;
        foreach (var command in window)
        {
            if (steps.Count == 0 || command.Arrived > firstRelease)
            {
                steps.Add([]);
                firstRelease = long.MaxValue;
            }

            steps[^1].Add(command.Description);
            firstRelease = Math.Min(firstRelease, Volatile.Read(ref command.Released));
        }

        return new RoundTrips(steps);
    }

    // Waits (bounded) until every reply was released and nothing has arrived for a hold, so that the tail of the
    // previous call is not taken for the start of the next.
    private async Task QuietAsync()
    {
        var until = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            bool quiet;
            lock (sent)
            {
                var now = Stopwatch.GetTimestamp();
                quiet = sent.All(c => !c.Counted || Volatile.Read(ref c.Released) != long.MaxValue) && (sent.Count == 0 || now - sent[^1].Arrived > holdTicks);
            }

            if (quiet)
            {
                return;
            }

            await Task.Delay(Hold / 4);
        }    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            var upstream = new TcpClient { NoDelay = true };
            client.NoDelay = true;
            lock (sockets)
            {
                sockets.Add(client);
                sockets.Add(upstream);
            }

            _ = RelayAsync(client, upstream, Interlocked.Increment(ref connections));
        }
    }

    private async Task RelayAsync(TcpClient client, TcpClient upstream, int connection)
    {
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, redisPort, stopping.Token);
            var pending = new ConcurrentQueue<SentCommand>();
            await Task.WhenAll(
                CommandsAsync(client.GetStream(), upstream.GetStream(), pending, connection),
                RepliesAsync(upstream.GetStream(), client.GetStream(), pending));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A side closed: the other goes with it.
        }
        finally
        {
            client.Dispose();
            upstream.Dispose();
        }
    }

    // Client → Redis: every complete command is recorded (and queued for its reply) before its bytes are forwarded,
    // so its reply can never come back before it is known.
    private async Task CommandsAsync(NetworkStream from, NetworkStream to, ConcurrentQueue<SentCommand> pending, int connection)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await from.ReadAsync(buffer.AsMemory(length), stopping.Token);
            if (read == 0)
            {
                to.Socket.Shutdown(SocketShutdown.Send);
                return;
            }

            var arrived = Stopwatch.GetTimestamp();
            var chunkStart = length;
            length += read;
            var position = 0;
            var words = new List<string>();
            while (Resp.TryRead(buffer, position, length, out var next, out _, words))
            {
                var command = new SentCommand(connection, arrived, words);
                pending.Enqueue(command);
                lock (sent)
                {
                    sent.Add(command);
                }

                words = [];
                position = next;
            }

            await to.WriteAsync(buffer.AsMemory(chunkStart, read), stopping.Token);
            Array.Copy(buffer, position, buffer, 0, length - position);
            length -= position;
        }
    }

    // Redis → client: each reply waits until its command arrived a hold ago, in order; a value no command waits for
    // (a pub/sub message) passes at once.
    private async Task RepliesAsync(NetworkStream from, NetworkStream to, ConcurrentQueue<SentCommand> pending)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await from.ReadAsync(buffer.AsMemory(length), stopping.Token);
            if (read == 0)
            {
                to.Socket.Shutdown(SocketShutdown.Send);
                return;
            }

            length += read;
            var position = 0;
            while (Resp.TryRead(buffer, position, length, out var next, out var push))
            {
                // In RESP3 a (un)subscribe is answered by a push, which is also how messages come.
                SentCommand? command = null;
                if ((!push || (pending.TryPeek(out var head) && head.Subscription)) && pending.TryDequeue(out command))
                {
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), command.Arrived + holdTicks);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, stopping.Token);
                    }
                }

                // Stamped before the write: from here on the client may act on this reply.
                if (command is not null)
                {
                    Volatile.Write(ref command.Released, Stopwatch.GetTimestamp());
                }

                await to.WriteAsync(buffer.AsMemory(position, next - position), stopping.Token);
                position = next;
            }

            Array.Copy(buffer, position, buffer, 0, length - position);
            length -= position;
        }
    }

    private sealed class SentCommand
    {
        public long Released = long.MaxValue;

        public SentCommand(int connection, long arrived, List<string> words)
        {
            Arrived = arrived;
            var name = words.Count > 0 ? words[0].ToUpperInvariant() : "?";
            Subscription = name.EndsWith("SUBSCRIBE", StringComparison.Ordinal);

            // The client's tie-breaker read belongs to connecting, not to any call.
            Counted = !Housekeeping.Contains(name) && !(words.Count > 1 && words[1].EndsWith("__Booksleeve_TieBreak", StringComparison.Ordinal));

            // Names and keys only: arguments may carry codes or password hashes, which a diagnostic must not print.
            var keys = name is "EVAL" or "EVALSHA" or "EVAL_RO" or "EVALSHA_RO" or "FCALL" or "FCALL_RO" && words.Count > 2 &&
                int.TryParse(words[2], System.Globalization.CultureInfo.InvariantCulture, out var count)
                ? words.Skip(3).Take(count)
                : words.Skip(1).Take(1);
            Description = $"c{connection} {name} {string.Join(' ', keys)}".TrimEnd();
        }

        public long Arrived { get; }

        public bool Counted { get; }

        public bool Subscription { get; }

        public string Description { get; }
    }
}
