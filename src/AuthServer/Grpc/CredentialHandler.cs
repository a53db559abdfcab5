using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// A credential of this server as an ASP.NET Core authentication scheme: it reads the call's headers (never its
/// body: it runs in the authorization middleware, before grpc-dotnet reads a message) and either admits the caller
/// with claims or refuses it with the <see cref="Failure"/> the caller must see. The failure rides on the result's
/// properties, so that <see cref="GrpcAuthorizationResultHandler"/> writes it as the gRPC status with its ErrorInfo,
/// exactly as the error-mapping interceptor writes every other refusal.
/// </summary>
/// <remarks>
/// The base class is given no logger: it would log every refused call at Information ("was not authenticated"),
/// so a flood of bad tokens would become a flood of log lines. A refusal is counted in the RPC metrics (and a
/// channel's audited) instead, as it was when interceptors checked the credentials; what a handler must say
/// (a service disabled) it logs itself, once.
/// </remarks>
public abstract class CredentialHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, NullLoggerFactory.Instance, encoder)
{
    private const string FailureKey = "recovery.failure";
    private const string BearerPrefix = "Bearer ";

    /// <summary>The failure a scheme refused the call with, or null (it admitted the call, or is not one of ours).</summary>
    public static Failure? RefusalOf(AuthenticateResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Properties?.GetParameter<Failure>(FailureKey);
    }

    /// <summary>The token of the call's <c>authorization: Bearer &lt;token&gt;</c> header, or null when missing or not a bearer credential.</summary>
    protected string? BearerToken()
    {
        // The last value, as gRPC's Metadata.GetValue reads a repeated key.
        var values = Request.Headers.Authorization;
        var header = values.Count > 0 ? values[^1] : null;
        return header is not null && header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? header[BearerPrefix.Length..].Trim() : null;
    }

    /// <summary>The value of a request header as gRPC metadata reads it (the last one), or null.</summary>
    protected string? Header(string name)
    {
        var values = Request.Headers[name];
        return values.Count > 0 ? values[^1] : null;
    }

    /// <summary>The gRPC method called (its path: routing matched it to a method, so it is one of ours).</summary>
    protected string Method => Request.Path.Value ?? string.Empty;

    protected AuthenticateResult Admit(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));

    protected static AuthenticateResult Refuse(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return AuthenticateResult.Fail(failure.Message, new AuthenticationProperties(items: null, parameters: new Dictionary<string, object?> { [FailureKey] = failure }));
    }
}
