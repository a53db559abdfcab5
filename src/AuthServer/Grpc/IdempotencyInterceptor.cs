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
        var ttl = options.Value.Ttl;

        var begun = await store.TryBeginAsync(scope, requestHash, time.GetUtcNow(), ttl, context.CancellationToken);
        switch (begun.Status)
        {
            case IdempotencyStatus.Completed:
                return (TResponse)responseType.Parser.ParseFrom(begun.Response);
            case IdempotencyStatus.InProgress:
                return OutcomeExtensions.Throw<TResponse>(new Failure(FailureKind.Aborted, ErrorReasons.IdempotentCallInProgress,
                    "A call with this idempotency key is still running; retry shortly.") { RetryAfter = TimeSpan.FromSeconds(1) });
            case IdempotencyStatus.Mismatch:
                return OutcomeExtensions.Throw<TResponse>(Failure.Invalid(
                    [new FieldViolation(Header, "This key was already used with a different request.", ErrorReasons.IdempotencyKeyReused)],
                    ErrorReasons.IdempotencyKeyReused));
        }

        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch
        {
            // Failures are not cached: an expected failure (wrong code, cooldown, rate limit, …) sends nothing and
            // either changed nothing or counted an attempt, which the retry counts again exactly as a call without a
            // key would; and the retry may rightly succeed later (a cooldown ends, Redis comes back). Caching the
            // failure would pin it for the whole TTL. So the marker goes and the retry runs the call again.
            await AbandonAsync(scope, context.Method);
            throw;
        }

        await CompleteAsync(scope, ((IMessage)response).ToByteArray(), ttl, context.Method);
        return response;
    }

    private static MethodDescriptor Method(ServiceDescriptor service, string name) =>
        service.FindMethodByName(name) ?? throw new InvalidOperationException($"{service.FullName} has no method {name}.");

    private static bool IsWellFormed(string key) =>
        key.Length is >= 8 and <= 64 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    // The store calls after the work ignore the caller's cancellation: the work is done, and the marker must say so.
    private async Task CompleteAsync(string scope, byte[] response, TimeSpan ttl, string method)
    {
        try
        {
            await store.CompleteAsync(scope, response, time.GetUtcNow(), ttl, CancellationToken.None);
        }
        catch (FailureException)
        {
            // The store did not answer (the only refusal a store throws). The call succeeded; answering UNAVAILABLE
            // now would invite a retry of work already done. The marker stays in progress until its TTL, so a retry
            // with this key is refused rather than run twice.
            LogCompleteFailed(method);
        }
    }

    private async Task AbandonAsync(string scope, string method)
    {
        try
        {
            await store.AbandonAsync(scope, CancellationToken.None);
        }
        catch (FailureException)
        {
            // The store did not answer. The call's own failure is what the caller needs to see; the marker lapses
            // with its TTL.
            LogAbandonFailed(method);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} succeeded but its idempotency marker could not be completed: retries with its key are refused until the marker expires")]
    private partial void LogCompleteFailed(string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} failed and its idempotency marker could not be removed: retries with its key are refused until the marker expires")]
    private partial void LogAbandonFailed(string method);
}
