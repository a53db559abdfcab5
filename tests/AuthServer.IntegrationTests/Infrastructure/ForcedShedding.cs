using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A server forced to shed, for testing a client's retries: the first call of every distinct request of the burst
/// runner's customers (their cards' BIN 4548, their user codes "B…", and every ConfirmRecovery, ChangePassword and
/// SignOperation) is refused as the server's admission refuses (UNAVAILABLE OVERLOADED with a RetryInfo of
/// <see cref="Delay"/>, or none when <see cref="WithRetryInfo"/> is false) before anything runs; the next identical
/// call goes through. When each refusal and each later attempt arrived is kept (real clock) so a test can see whether
/// the client waited as advised. Set the properties before the first call.
/// </summary>
internal sealed class ForcedShedding : Interceptor
{
    private static readonly HashSet<string> FlowMethods = new(StringComparer.Ordinal)
    {
        "/recovery.v1.RecoveryService/StartRecovery", "/recovery.v1.RecoveryService/ConfirmRecovery", "/recovery.v1.AccessService/Login",
        "/recovery.v1.AccessService/ChangePassword", "/recovery.v1.AccessService/SignOperation",
    };

    private readonly ConcurrentDictionary<string, Attempts> _attempts = new(StringComparer.Ordinal);

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);

    public bool WithRetryInfo { get; set; } = true;

    /// <summary>Every request refused once, with when it was refused and when each later attempt came (Stopwatch ticks).</summary>
    public IReadOnlyDictionary<string, Attempts> Seen => _attempts;

    /// <summary>Registers <paramref name="shedding"/> as the outermost interceptor of the test server.</summary>
    public static void Install(IServiceCollection services, ForcedShedding shedding)
    {
        services.AddSingleton(shedding);
        services.Configure<GrpcServiceOptions>(o =>
        {
            // Outermost: refused before the server's own interceptors run, as the real admission refuses.
            o.Interceptors.Add<ForcedShedding>();
            var registration = o.Interceptors[^1];
            o.Interceptors.RemoveAt(o.Interceptors.Count - 1);
            o.Interceptors.Insert(0, registration);
        });
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var text = request is IMessage message ? JsonFormatter.Default.Format(message) : string.Empty;
        if (!FlowMethods.Contains(context.Method) || !IsBurstCustomer(context.Method, text))
        {
            return continuation(request, context);
        }

        var now = Stopwatch.GetTimestamp();
        var first = new Attempts(now);
        var attempts = _attempts.GetOrAdd(context.Method + " " + text, first);
        if (ReferenceEquals(attempts, first))
        {
            var status = new Google.Rpc.Status
            {
                Code = (int)StatusCode.Unavailable,
                Message = "Forced shedding for a test.",
                Details = { Any.Pack(new ErrorInfo { Reason = "OVERLOADED", Domain = "recovery.bank" }) },
            };
            if (WithRetryInfo)
            {
                status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(Delay) }));
            }

            throw status.ToRpcException();
        }

        attempts.Later.Enqueue(now);
        return continuation(request, context);
    }

    // The runner's own customers only: decoy cards (BIN 4549) and unknown user codes ("NOBODY…") are its anchors.
    private static bool IsBurstCustomer(string method, string request) => method switch
    {
        "/recovery.v1.RecoveryService/StartRecovery" => request.Contains("\"4548", StringComparison.Ordinal),
        "/recovery.v1.AccessService/Login" => request.Contains("\"userCode\": \"B", StringComparison.Ordinal),
        _ => true,
    };

    internal sealed class Attempts(long refusedAt)
    {
        public long RefusedAt { get; } = refusedAt;

        public ConcurrentQueue<long> Later { get; } = new();
    }
}
