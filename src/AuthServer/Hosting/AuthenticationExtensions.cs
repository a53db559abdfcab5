using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Recovery.AuthServer.Grpc;

namespace Recovery.AuthServer.Hosting;

/// <summary>
/// The three credentials as ASP.NET Core authentication schemes, and one authorization policy per credential
/// (named after its scheme) that the gRPC services name in <c>[Authorize(Policy = …)]</c>. There is no default
/// scheme: a call is authenticated only by the scheme its service's policy names, so health and reflection (no
/// policy) stay open and one service's token never opens another.
/// </summary>
public static class AuthenticationExtensions
{
    public static IHostApplicationBuilder AddRecoveryAuthentication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<Channels.ChannelAuthenticator>();
        services.AddSingleton<Customers.AdminTokenVerifier>();
        services.AddSingleton<CallCentre.CallCentreAuthenticator>();
        services.AddSingleton(typeof(OncePerProcess<>));

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ChannelTokenHandler>(CredentialSchemes.Channel, displayName: null, _ => { })
            .AddScheme<AuthenticationSchemeOptions, AdminTokenHandler>(CredentialSchemes.Admin, displayName: null, _ => { })
            .AddScheme<AuthenticationSchemeOptions, CallCentreTokenHandler>(CredentialSchemes.CallCentre, displayName: null, _ => { });

        services.AddAuthorizationBuilder()
            .AddPolicy(CredentialSchemes.Channel, p => p
                .AddAuthenticationSchemes(CredentialSchemes.Channel)
                .RequireAuthenticatedUser()
                .AddRequirements(new ChannelHeaderRequirement()))
            .AddPolicy(CredentialSchemes.Admin, p => p
                .AddAuthenticationSchemes(CredentialSchemes.Admin)
                .RequireAuthenticatedUser())
            .AddPolicy(CredentialSchemes.CallCentre, p => p
                .AddAuthenticationSchemes(CredentialSchemes.CallCentre)
                .RequireAuthenticatedUser()
                .RequireClaim(CredentialSchemes.AgentClaim));
        services.AddSingleton<IAuthorizationHandler, ChannelHeaderHandler>();

        // Refusals are written as gRPC statuses with google.rpc details, not as ASP.NET Core's bare 401/403. It takes
        // the place of ASP.NET Core's own handler (registered by AddAuthorization), so exactly one is registered and
        // which one answers does not depend on registration order.
        services.RemoveAll<IAuthorizationMiddlewareResultHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();
        return builder;
    }

    /// <summary>
    /// Authentication and authorization in the request pipeline, after routing (the endpoint names its policy) and
    /// before the endpoint: a call is refused before grpc-dotnet reads its body or any interceptor runs, so no
    /// unauthenticated call is admitted, parsed or answered from a stored idempotent response.
    /// </summary>
    public static WebApplication UseRecoveryAuthentication(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
