using System.Reflection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.Hosting;

namespace Recovery.AuthServer.UnitTests.Hosting;

/// <summary>
/// The wiring that makes each credential open its own service only: every gRPC service class names the policy of
/// its credential, each policy authenticates with its one scheme, and there is no default scheme that would
/// authenticate a call its service's policy did not ask for.
/// </summary>
public class AuthenticationWiringTests
{
    [Fact]
    public void ServiceClasses_EveryRecoveryV1Service_NamesItsCredentialsPolicy()
    {
        var named = typeof(RecoveryGrpcService).Assembly.GetTypes()
            .Where(t => t.BaseType?.DeclaringType?.Namespace == "Recovery.V1")
            .ToDictionary(t => t.Name, t => Assert.Single(t.GetCustomAttributes<AuthorizeAttribute>()).Policy);

        Assert.Equal(
            new Dictionary<string, string?>
            {
                [nameof(RecoveryGrpcService)] = CredentialSchemes.Channel,
                [nameof(AccessGrpcService)] = CredentialSchemes.Channel,
                [nameof(DirectoryGrpcService)] = CredentialSchemes.Admin,
                [nameof(CallCentreGrpcService)] = CredentialSchemes.CallCentre,
            },
            named);
    }

    [Fact]
    public async Task AddRecoveryAuthentication_EachPolicyAuthenticatesWithItsOwnSchemeOnlyAndNoSchemeIsDefault()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddRecoveryAuthentication();
        await using var services = builder.Services.BuildServiceProvider();
        var policies = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var schemes = services.GetRequiredService<IAuthenticationSchemeProvider>();

        foreach (var name in new[] { CredentialSchemes.Channel, CredentialSchemes.Admin, CredentialSchemes.CallCentre })
        {
            var policy = await policies.GetPolicyAsync(name);
            Assert.Equal([name], policy!.AuthenticationSchemes);
            Assert.NotNull(await schemes.GetSchemeAsync(name));
        }

        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());
        Assert.Null(await schemes.GetDefaultChallengeSchemeAsync());
        Assert.Equal(typeof(GrpcAuthorizationResultHandler), Assert.Single(builder.Services, d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler)).ImplementationType);
    }
}
