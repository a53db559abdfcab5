using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.Storage.Redis;
using StackExchange.Redis;

namespace Recovery.Benchmarks.Scenarios;

/// <summary>
/// Enqueue → sender latency of the Redis outbox, on a private redis-server on loopback. Two nodes share it: node A
/// only enqueues, node B runs the dispatcher with a sender that notes when it sees each message. Messages are
/// enqueued at a steady rate, first by node A (the dispatcher learns of them from Redis alone), then by node B itself;
/// the latency of a message is from the start of its enqueue to the sender's call. Before the steady phases, the
/// scenario counts the commands Redis receives over an idle window (the outbox's own; keep-alives and the INFO it
/// counts with are left out). The anchor, at the same rate in the same run, is a plain Redis round trip (PING).
///
/// Run: dotnet run -c Release --project benchmarks/Recovery.Benchmarks -- outbox-latency [--rate 100] [--seconds 10] [--idle-seconds 5] [--detail]
/// (--detail adds the enqueue call's own latency and the latencies around the worst message of each phase).
/// It uses only the outbox's and the dispatcher's public constructors and options, so the same file runs against an
/// older version of the server (the polling design) for a before/after. It fails (exit 1) when a message is lost or
/// delivered twice; never on timings.
/// </summary>
internal static class OutboxLatency
{
    private static readonly HashSet<string> Housekeeping = ["info", "ping", "echo"];

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = IntOption(args, "--rate", 100);
        var seconds = IntOption(args, "--seconds", 10);
        var idleSeconds = IntOption(args, "--idle-seconds", 5);
        var detail = args.Contains("--detail");

        var port = FreePort();
        using var redisServer = StartRedis(port);
        await WaitForRedisAsync(port);
        var configuration = $"127.0.0.1:{port}";
        try
        {
            using var admin = await ConnectionMultiplexer.ConnectAsync(configuration + ",allowAdmin=true");
            using var connectionA = Connection(configuration);
            using var connectionB = Connection(configuration);
            using var nodeA = Outbox(connectionA);
            using var nodeB = Outbox(connectionB);
            var sender = new TimingSender();
            using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
            using var dispatcher = new NotificationDispatcher(
                nodeB, [sender], null, new InMemoryRateLimiter(), Keys(), new NoAudit(),
                Options.Create(new NotificationOptions()), Options.Create(new AuthServer.Notifications.Sms.SmsOptions()), TimeProvider.System,
                NullLogger<NotificationDispatcher>.Instance, nodeB, metrics.GetRequiredService<IMeterFactory>());
            await dispatcher.StartAsync(CancellationToken.None);

            // Warm-up (scripts loaded, connections and subscriptions up, JIT), then an idle window.
            if (await RunPhaseAsync(nodeA, sender, "warm-up", 20, 50, detail: false) is null)
            {
                return 1;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var before = await CommandCountsAsync(admin);
            await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
            var idle = Increase(before, await CommandCountsAsync(admin)).Where(c => !Housekeeping.Contains(c.Key)).ToList();
            var idleTotal = idle.Sum(c => c.Value);
            Console.WriteLine($"idle {idleSeconds} s: {idleTotal} outbox commands ({(double)idleTotal / idleSeconds:0.0}/s){(idle.Count > 0 ? ": " + string.Join(", ", idle.Select(c => $"{c.Key}={c.Value}")) : string.Empty)}");

            // The anchor, in the same run and at the same rate: one Redis round trip on loopback (PING), which is what
            // this machine's load alone adds to anything the outbox does.
            var count = rate * seconds;
            var pings = await PingsAsync(admin, count, rate);
            Console.WriteLine(
                $"anchor: {count} Redis PINGs at {rate}/s; round trip ms p50 {Pct(pings, 0.50):0.0} p90 {Pct(pings, 0.90):0.0} " +
                $"p99 {Pct(pings, 0.99):0.0} max {pings[^1]:0.0}");
            var published = await PublishedAsync(admin, configuration, count, rate);
            Console.WriteLine(
                $"anchor: {count} PUBLISH -> subscriber of another connection at {rate}/s; ms p50 {Pct(published, 0.50):0.0} p90 {Pct(published, 0.90):0.0} " +
                $"p99 {Pct(published, 0.99):0.0} max {published[^1]:0.0}");
            var ok = true;
            foreach (var (name, producer) in new[] { ("other node", nodeA), ("same node", nodeB) })
            {
                var latencies = await RunPhaseAsync(producer, sender, name, count, rate, detail);
                if (latencies is null)
                {
                    ok = false;
                    continue;
                }

                latencies.Sort();
                Console.WriteLine(
                    $"enqueued on the {name}: {count} messages at {rate}/s; enqueue -> sender ms p50 {Pct(latencies, 0.50):0.0} p90 {Pct(latencies, 0.90):0.0} " +
                    $"p99 {Pct(latencies, 0.99):0.0} max {latencies[^1]:0.0}");
            }

            await dispatcher.StopAsync(CancellationToken.None);
            return ok ? 0 : 1;
        }
        finally
        {
            redisServer.Kill(entireProcessTree: true);
        }
    }

    // Null when a message was lost or delivered twice.
    private static async Task<List<double>?> RunPhaseAsync(RedisNotificationOutbox producer, TimingSender sender, string name, int count, int rate, bool detail)
    {
        var phase = sender.StartPhase(name, count);
        var enqueued = new long[count];
        var enqueueTimes = new List<double>(count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            // Open loop: each message at its own time, whatever the previous ones cost.
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            enqueued[i] = Stopwatch.GetTimestamp();
            var code = i.ToString(CultureInfo.InvariantCulture);
            // A phone per message: Notifications:SmsPerPhone would drop the 21st SMS to one phone unsent.
            var phone = "+3461" + i.ToString("D7", CultureInfo.InvariantCulture);
            await producer.EnqueueAsync(NotificationTexts.Shipped.RecoveryCodeSms(phone, code, TimeSpan.FromMinutes(5), Language.Spanish), CancellationToken.None);
            enqueueTimes.Add(Stopwatch.GetElapsedTime(enqueued[i]).TotalMilliseconds);
        }

        var all = await Task.WhenAny(phase.All, Task.Delay(TimeSpan.FromSeconds(30)));
        await Task.Delay(TimeSpan.FromMilliseconds(200)); // a duplicate would show up here
        if (all != phase.All || phase.Seen.Count != count || phase.Duplicates > 0)
        {
            Console.WriteLine($"{name}: {phase.Seen.Count} of {count} delivered, {phase.Duplicates} twice");
            return null;
        }

        var series = Enumerable.Range(0, count).Select(i => Stopwatch.GetElapsedTime(enqueued[i], phase.Seen[i]).TotalMilliseconds).ToList();
        if (detail)
        {
            enqueueTimes.Sort();
            Console.WriteLine($"{name}: the enqueue call itself ms p50 {Pct(enqueueTimes, 0.5):0.0} p99 {Pct(enqueueTimes, 0.99):0.0} max {enqueueTimes[^1]:0.0}");
            var worst = series.IndexOf(series.Max());
            Console.WriteLine(name + " around the worst: " + string.Join(" ", series.Skip(Math.Max(0, worst - 15)).Take(25).Select(l => l.ToString("0", CultureInfo.InvariantCulture))));
        }

        return series;
    }

    private static async Task<List<double>> PingsAsync(ConnectionMultiplexer admin, int count, int rate)
    {
        var db = admin.GetDatabase();
        var pings = new List<double>(count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            pings.Add((await db.PingAsync()).TotalMilliseconds);
        }

        pings.Sort();
        return pings;
    }

    private static async Task<List<double>> PublishedAsync(ConnectionMultiplexer admin, string configuration, int count, int rate)
    {
        using var listener = await ConnectionMultiplexer.ConnectAsync(configuration);
        var seen = new long[count];
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = 0;
        var queue = await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal("bench:anchor"));
        queue.OnMessage(m =>
        {
            seen[(int)m.Message] = Stopwatch.GetTimestamp();
            if (Interlocked.Increment(ref received) == count)
            {
                all.TrySetResult();
            }
        });
        var sent = new long[count];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            sent[i] = Stopwatch.GetTimestamp();
            await admin.GetSubscriber().PublishAsync(RedisChannel.Literal("bench:anchor"), i);
        }

        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var latencies = Enumerable.Range(0, count).Select(i => Stopwatch.GetElapsedTime(sent[i], seen[i]).TotalMilliseconds).ToList();
        latencies.Sort();
        return latencies;
    }

    private static double Pct(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static RedisConnection Connection(string configuration) =>
        new(Options.Create(new StorageOptions { Provider = "Redis", Redis = new RedisStorageOptions { Configuration = configuration, KeyPrefix = "bench:" } }));

    private static RedisNotificationOutbox Outbox(RedisConnection connection) =>
        new(connection, Keys(), new CryptoRandomSource(), Options.Create(new NotificationOptions()), TimeProvider.System, NullLogger<RedisNotificationOutbox>.Instance);

    private static SecretKeys Keys() => new(new byte[32], Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), new byte[32]);

    private static async Task<Dictionary<string, long>> CommandCountsAsync(ConnectionMultiplexer admin)
    {
        var info = await admin.GetServer(admin.GetEndPoints()[0]).InfoAsync("commandstats");
        return info.SelectMany(g => g).ToDictionary(
            e => e.Key["cmdstat_".Length..],
            e => long.Parse(e.Value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture));
    }

    private static Dictionary<string, long> Increase(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.Where(a => a.Value > before.GetValueOrDefault(a.Key)).ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));

    private static Process StartRedis(int port)
    {
        var info = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start (is it on PATH?).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForRedisAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("redis-server did not answer.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed class TimingSender : INotificationSender
    {
        private Phase current = new("none", 0);

        public Phase StartPhase(string name, int count) => current = new Phase(name, count);

        public Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            current.Saw(int.Parse(notification.Values["code"], CultureInfo.InvariantCulture), Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        }
    }

    private sealed class Phase(string name, int count)
    {
        private readonly TaskCompletionSource all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int duplicates;

        public string Name => name;

        public ConcurrentDictionary<int, long> Seen { get; } = new();

        public int Duplicates => Volatile.Read(ref duplicates);

        public Task All => all.Task;

        public void Saw(int index, long timestamp)
        {
            if (!Seen.TryAdd(index, timestamp))
            {
                Interlocked.Increment(ref duplicates);
            }
            else if (Seen.Count == count)
            {
                all.TrySetResult();
            }
        }
    }

    private sealed class NoAudit : IAuditLog
    {
        public void Record(AuditEvent auditEvent)
        {
        }
    }
}
