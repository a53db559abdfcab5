using System.Globalization;
using System.Text;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Answers a gRPC call the authorization middleware refused as gRPC does, not as HTTP: ASP.NET Core's default is
/// a bare 401 or 403, which a gRPC client can only read as a status without details. Here a challenge (the
/// credential refused) writes the <see cref="Common.Failure"/> its scheme refused with (<see cref="CredentialHandler"/>),
/// a forbid (a policy requirement failed) the one its <see cref="RefusalReason"/> carries, both through
/// <see cref="RpcStatusMapper"/>: the same status, message and google.rpc details the error-mapping interceptor
/// would write, and counted in the same RPC metric. Anything that is not a gRPC method gets ASP.NET Core's default.
/// </summary>
public sealed partial class GrpcAuthorizationResultHandler(RpcMetrics metrics, ILogger<GrpcAuthorizationResultHandler> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        var grpc = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>();
        if (authorizeResult.Succeeded || grpc is null)
        {
            await fallback.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var failure = authorizeResult.Forbidden
            ? authorizeResult.AuthorizationFailure?.FailureReasons.OfType<RefusalReason>().FirstOrDefault()?.Failure
            : await ChallengeFailureAsync(context, policy);
        RpcException refusal;
        if (failure is null)
        {
            // A policy refused without one of our reasons: a wiring mistake, answered like any unexpected error.
            LogUnexplained(grpc.Method.FullName, authorizeResult.Forbidden);
            refusal = RpcStatusMapper.Simple(StatusCode.Internal, ErrorReasons.Internal, "Internal error.");
        }
        else
        {
            refusal = RpcStatusMapper.ToRpcException(failure);
        }

        Write(context.Response, refusal);
        metrics.RpcCompleted(grpc.Method.FullName, refusal.StatusCode.ToString(), failure?.Reason ?? ErrorReasons.Internal);
    }

    /// <summary>
    /// Writes <paramref name="refusal"/> as a trailers-only response, gRPC's form for a call refused before any
    /// message: HTTP 200 and the status in the one HEADERS frame, as grpc-dotnet itself answers an unimplemented method.
    /// </summary>
    public static void Write(HttpResponse response, RpcException refusal)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(refusal);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)refusal.StatusCode).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncoded(refusal.Status.Detail);
        foreach (var entry in refusal.Trailers)
        {
            // Binary metadata (grpc-status-details-bin) is base64, unpadded as the gRPC spec asks senders to write it.
            response.Headers.Append(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes).TrimEnd('=') : entry.Value);
        }
    }

    // The scheme of the policy that refused the call says why: its result is cached for this request, so asking
    // again runs no second check (and audits nothing twice).
    private static async Task<Failure?> ChallengeFailureAsync(HttpContext context, AuthorizationPolicy policy)
    {
        foreach (var scheme in policy.AuthenticationSchemes)
        {
            if (CredentialHandler.RefusalOf(await context.AuthenticateAsync(scheme)) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    // grpc-message is percent-encoded UTF-8: every byte outside printable ASCII, and '%' itself.
    private static string PercentEncoded(string message)
    {
        var text = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is < 0x20 or > 0x7E or (byte)'%')
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append((char)b);
            }
        }

        return text.ToString();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused {Method} without a reason (forbidden: {Forbidden}): no credential scheme or requirement of its policy said why")]
    private partial void LogUnexplained(string method, bool forbidden);
}
