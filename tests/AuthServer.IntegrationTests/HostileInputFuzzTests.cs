using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.V1;
using Xunit.Abstractions;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// A fuzz run against every RPC of RecoveryService, AccessService, CallCentreService and DirectoryService, with
/// the credentials each needs (so the bytes reach the handlers): thousands of raw HTTP/2 calls whose fields come
/// from <see cref="HostileInput"/> and whose bodies are often not protobuf, not UTF-8 or not honest gRPC framing
/// (<see cref="ProtoFuzzer"/>). The run fails on any answer that is UNKNOWN or INTERNAL, that has no grpc-status,
/// or that refuses without an ErrorInfo; on any error or exception in the server's log; and if health is not
/// SERVING at the end.
/// </summary>
/// <remarks>
/// Run once per storage provider (6,000 calls in memory, 3,000 on a real Redis) by the sealed subclasses.
/// The seed is fixed (<see cref="DefaultSeed"/>) so the suite is repeatable; <c>RECOVERY_FUZZ_SEED</c> sets
/// another (a number, or <c>random</c>) and <c>RECOVERY_FUZZ_CALLS</c> the number of calls. A failure names the
/// seed and the index of each failing call: call <c>i</c> draws from <c>new Random(seed + i)</c> alone, so it can
/// be replayed.
/// </remarks>
public abstract class HostileInputFuzzTests : IntegrationTest
{
    private const int DefaultSeed = 20_261_130;

    private readonly ITestOutputHelper output;
    private readonly int defaultCalls;

    private protected HostileInputFuzzTests(ITestOutputHelper output, ServerOptions? options, int defaultCalls)
        : base(options)
    {
        this.output = output;
        this.defaultCalls = defaultCalls;
    }

    // Bounds the run on a slow machine: past this, no new call starts (the count made is checked below).
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(75);

    private static readonly ServiceDescriptor[] Services =
    [
        RecoveryService.Descriptor, AccessService.Descriptor, CallCentreService.Descriptor, DirectoryService.Descriptor,
    ];

    [Fact]
    public async Task EveryRpc_ThousandsOfHostileRequests_NeverUnknownOrInternalNothingLoggedAndStillServing()
    {
        var seed = Seed();
        var calls = int.TryParse(Environment.GetEnvironmentVariable("RECOVERY_FUZZ_CALLS"), CultureInfo.InvariantCulture, out var n) ? n : defaultCalls;
        var methods = Services.SelectMany(s => s.Methods).ToArray();
        Assert.Equal(17, methods.Length);
        output.WriteLine($"RECOVERY_FUZZ_SEED={seed}, {calls} calls over {methods.Length} RPCs");

        using var raw = new RawGrpc(Factory.Server.CreateHandler(), Factory.Server.BaseAddress);
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<string, int>();
        var reached = new ConcurrentDictionary<string, int>();
        var made = 0;
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, calls), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            if (clock.Elapsed > Budget)
            {
                return;
            }

            var random = new Random(unchecked(seed + i));
            var method = methods[random.Next(methods.Length)];
            var path = $"/{method.Service.FullName}/{method.Name}";
            var messages = Enumerable.Range(0, method.IsClientStreaming ? random.Next(1, 5) : 1)
                .Select(_ => ProtoFuzzer.Message(method.InputType, random)).ToList();
            var (body, framing) = ProtoFuzzer.Body(messages, random);

            RawAnswer answer;
            try
            {
                answer = await raw.CallAsync(path, body);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or TaskCanceledException)
            {
                failures.Enqueue($"#{i} {path} ({framing}): no answer, {ex.GetType().Name}");
                return;
            }

            Interlocked.Increment(ref made);
            statuses.AddOrUpdate($"{answer.Status} {answer.Reason}", 1, (_, c) => c + 1);
            if (answer.Reason is not ("MALFORMED_REQUEST" or "MESSAGE_TOO_LARGE" or "COMPRESSION_UNSUPPORTED"))
            {
                reached.AddOrUpdate(path, 1, (_, c) => c + 1);
            }

            if (Problem(answer) is { } problem)
            {
                failures.Enqueue($"#{i} {path} ({framing}, {body.Length} bytes): {problem}: {answer}");
            }
        });

        foreach (var (status, count) in statuses.OrderByDescending(s => s.Value))
        {
            output.WriteLine($"{count,6}  {status}");
        }

        output.WriteLine($"{made} calls in {clock.Elapsed.TotalSeconds:F1} s; handlers reached: " + string.Join(", ", reached.OrderBy(r => r.Key).Select(r => $"{r.Key.Split('/')[^1]} {r.Value}")));
        var health = await RecoveryApi.CallAsync(new Health.HealthClient(Api.Channel).CheckAsync(new HealthCheckRequest(), RecoveryApi.Options()));
        var logged = Logs.Errors.ToList();

        var report = $"RECOVERY_FUZZ_SEED={seed}: {failures.Count} bad answers, {logged.Count} error log lines; first ones:\n"
            + string.Join("\n", failures.Take(15).Concat(logged.Take(10)));
        Assert.True(failures.IsEmpty && logged.Count == 0, report);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.True(made >= Math.Min(calls, 1_000), $"only {made} of {calls} calls ran within {Budget.TotalSeconds} s");

        // The fuzz is worth something only if it gets past the guards: every RPC must have been answered by
        // its handler (or its interceptors) a fair number of times.
        Assert.True(reached.Count == methods.Length && reached.Values.All(c => c >= made / methods.Length / 16),
            "some RPCs were hardly reached past the malformed-request guard: " + string.Join(", ", reached.Select(r => $"{r.Key} {r.Value}")));
    }

    // What no answer may be: no grpc-status, UNKNOWN or INTERNAL, a refusal without an ErrorInfo.
    private static string? Problem(RawAnswer answer) => answer switch
    {
        { HttpStatus: not HttpStatusCode.OK } => "HTTP status",
        { Status: null } => "no grpc-status",
        { Status: StatusCode.Unknown or StatusCode.Internal } => "UNKNOWN or INTERNAL",
        { Status: not StatusCode.OK, Reason: null } => "a refusal without ErrorInfo",
        { Status: not StatusCode.OK } when answer.Details!.Code != (int)answer.Status => "details disagree with the status",
        _ => null,
    };

    private static int Seed() => Environment.GetEnvironmentVariable("RECOVERY_FUZZ_SEED") switch
    {
        null or "" => DefaultSeed,
        "random" => Random.Shared.Next(),
        var text => int.Parse(text, CultureInfo.InvariantCulture),
    };
}
