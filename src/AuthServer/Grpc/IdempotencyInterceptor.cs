using System.Collections.Frozen;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Idempotency;
using Recovery.AuthServer.Security;
using Recovery.V1;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Makes a retried call with the same <c>x-idempotency-key</c> harmless: the first call runs, a retry of
/// it gets the stored response without running again (no second SMS, no second state change).
/// Registered after <see cref="ErrorMappingInterceptor"/>, so its refusals are mapped like any other.
/// </summary>
public sealed partial class IdempotencyInterceptor(
    IIdempotencyStore store,
    IIdempotencyConditionCheck conditions,
    SecretKeys keys,
    TimeProvider time,
    IOptions<IdempotencyOptions> options,
    ILogger<IdempotencyInterceptor> logger) : Interceptor
{
    public const string Header = "x-idempotency-key";

    /// <summary>
    /// The unary calls with side effects whose responses hold no bearer secret, with their response types.
    /// Login and EnrollAuthenticator are left out on purpose: their responses carry a session token, a change
    /// ticket or an authenticator secret, which must never be stored; the header is ignored there.
    /// </summary>
    private static readonly FrozenDictionary<string, MessageDescriptor> Responses = new[]
    {
        Method(RecoveryService.Descriptor, nameof(RecoveryService.RecoveryServiceBase.StartRecovery)),
        Method(RecoveryService.Descriptor, nameof(RecoveryService.RecoveryServiceBase.ResendRecoveryCode)),
        Method(RecoveryService.Descriptor, nameof(RecoveryService.RecoveryServiceBase.ConfirmRecovery)),
        Method(AccessService.Descriptor, nameof(AccessService.AccessServiceBase.ChangePassword)),
        Method(AccessService.Descriptor, nameof(AccessService.AccessServiceBase.ResendOperationCode)),
        Method(AccessService.Descriptor, nameof(AccessService.AccessServiceBase.SignOperation)),
        Method(AccessService.Descriptor, nameof(AccessService.AccessServiceBase.CancelOperation)),
    }.ToFrozenDictionary(m => $"/{m.Service.FullName}/{m.Name}", m => m.OutputType, StringComparer.Ordinal);

    private static readonly object ClaimSlot = new();

    /// <summary>
    /// For an adapter of a riding call: the key's claim as the flow carries it, with the adapter's mapping of the flow's
    /// result to the response the interceptor stores; null when the call has no key.
    /// </summary>
    public static IdempotencyRider<TResult>? RiderOf<TResult>(ServerCallContext context, Func<TResult, IMessage> response) =>
        context.UserState.TryGetValue(ClaimSlot, out var claim)
            ? new IdempotencyRider<TResult>((IdempotencyClaim)claim, result => response(result).ToByteArray())
            : null;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var key = context.RequestHeaders.GetValue(Header);
        if (key is null || !Responses.TryGetValue(context.Method, out var responseType))
        {
            return await continuation(request, context);
        }

        if (!IsWellFormed(key))
        {
            OutcomeExtensions.Throw(Failure.Invalid([new FieldViolation(Header, "8 to 64 of A-Z, a-z, 0-9, '_' and '-'.", "MALFORMED")]));
        }

        // Keyed hashes: the scope names no client-chosen text in a store key, and the request hash cannot be
        // reversed by guessing (a SignOperation body is an operation id and a 6-digit code: a plain SHA-256
        // of it would give the code away in a million tries).
        var channel = CallerContextReader.Read(context).Channel;
        var scope = KeyedHash.ComputeHex(keys.CodeKey, $"idempotency-scope\n{context.Method}\n{channel}\n{key}");
        var requestHash = Convert.ToHexStringLower(KeyedHash.Compute(keys.CodeKey, "idempotency-request", ((IMessage)request).ToByteArray()));
        var method = context.Method;
        var claim = new IdempotencyClaim(store, scope, requestHash, time, options.Value.Ttl, conditions, () => LogCompleteFailed(method), context.CancellationToken);

        // Every call that takes the key hands the claim to its flow (the adapter's RiderOf), which sends it beside its own
        // first store step and looks at its answer before any side effect, and sends the response beside its last
        // (IdempotencyRider): no round trip of the key's own before or after the call.
        context.UserState[ClaimSlot] = claim;

        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch when (claim.Started)
        {
            // A riding flow stops as soon as it learns that its call does not own the key, with any failure: what the
            // caller gets is then the claim's answer, and the marker, another call's, stays.
            if (await SettleFailedAsync(claim, method) is { } notOwned)
            {
                return Answer<TResponse>(notOwned, responseType);
            }

            throw;
        }

        // A riding flow sent the response beside its last writes; a claim it never sent cannot be completed (the flows
        // send theirs before anything else, so that does not happen: RedisRoundTripTests and IdempotencyTests).
        if (claim.Started && !claim.CompletionStarted)
        {
            await claim.CompleteAsync(((IMessage)response).ToByteArray());
        }

        return response;
    }

    private static TResponse Answer<TResponse>(IdempotencyBegin begun, MessageDescriptor responseType) => begun.Status switch
    {
        IdempotencyStatus.Completed => (TResponse)responseType.Parser.ParseFrom(begun.Response),
        IdempotencyStatus.InProgress => OutcomeExtensions.Throw<TResponse>(IdempotencyClaim.InProgress),
        IdempotencyStatus.Mismatch => OutcomeExtensions.Throw<TResponse>(IdempotencyClaim.KeyReused),
        var other => throw new InvalidOperationException($"A call that owns its key ({other}) is not answered from the store."),
    };

    /// <summary>
    /// After the call failed: the claim's answer when the call does not own the key; otherwise null, with the marker
    /// removed, or left to its TTL when the claim itself did not answer (whose marker it is, nobody knows).
    /// </summary>
    private async Task<IdempotencyBegin?> SettleFailedAsync(IdempotencyClaim claim, string method)
    {
        IdempotencyBegin begun;
        try
        {
            begun = await claim.BeginAsync();
        }
        catch (FailureException)
        {
            // The claim got no answer (the store did not answer): the call's own failure is what the caller sees.
            return null;
        }

        if (begun.Status != IdempotencyStatus.New)
        {
            return begun;
        }

        // Failures are not cached: an expected failure (wrong code, cooldown, rate limit, …) sends nothing and
        // either changed nothing or counted an attempt, which the retry counts again exactly as a call without a
        // key would; and the retry may rightly succeed later (a cooldown ends, Redis comes back). Caching the
        // failure would pin it for the whole TTL. So the marker goes and the retry runs the call again; after a
        // completion the flow sent beside writes that then failed, which must not land after the removal.
        await claim.CompletionSettledAsync();
        await AbandonAsync(claim, method);
        return null;
    }

    private static MethodDescriptor Method(ServiceDescriptor service, string name) =>
        service.FindMethodByName(name) ?? throw new InvalidOperationException($"{service.FullName} has no method {name}.");

    private static bool IsWellFormed(string key) =>
        key.Length is >= 8 and <= 64 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private async Task AbandonAsync(IdempotencyClaim claim, string method)
    {
        try
        {
            await claim.AbandonAsync();
        }
        catch (FailureException)
        {
            // The store did not answer. The call's own failure is what the caller needs to see; the marker lapses
            // with its TTL.
            LogAbandonFailed(method);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method}: the response could not be stored under its idempotency key; unless the call failed (its key is then removed), retries with the key are refused until the marker expires")]
    private partial void LogCompleteFailed(string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} failed and its idempotency marker could not be removed: retries with its key are refused until the marker expires")]
    private partial void LogAbandonFailed(string method);
}
