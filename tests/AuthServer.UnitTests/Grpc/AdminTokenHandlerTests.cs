using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class AdminTokenHandlerTests
{
    private const string Token = "dGVzdC1hZG1pbi10b2tlbi0wMTIzNDU2Nzg5LWFiY2RlZmdoaWo=";
    private const string OtherToken = "b3RoZXItYWRtaW4tdG9rZW4tMDEyMzQ1Njc4OS1hYmNkZWZnaGlq";
    private const string Method = "/recovery.v1.DirectoryService/UpsertCustomer";

    [Fact]
    public async Task AuthenticateAsync_NoTokenConfigured_PermissionDeniedDisabledAndLoggedOncePerProcess()
    {
        var once = new OncePerProcess<AdminTokenHandler>();
        var logger = new FakeLogger<AdminTokenHandler>();

        var first = await AuthenticateAsync([], $"Bearer {Token}", once, logger);
        var second = await AuthenticateAsync([], $"Bearer {Token}", once, logger);

        Assert.All([first, second], result =>
        {
            Assert.False(result.Succeeded);
            Assert.Equal((FailureKind.PermissionDenied, ErrorReasons.DirectoryDisabled), (CredentialHandler.RefusalOf(result)!.Kind, CredentialHandler.RefusalOf(result)!.Reason));
        });
        Assert.Contains(Method, Assert.Single(logger.Collector.GetSnapshot()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(Token)]
    [InlineData("Bearer " + OtherToken)]
    [InlineData("Basic " + Token)]
    public async Task AuthenticateAsync_MissingOrWrongToken_UnauthenticatedAndNotAdmitted(string? header)
    {
        var result = await AuthenticateAsync([Token], header);

        Assert.False(result.Succeeded);
        Assert.Equal((FailureKind.Unauthenticated, ErrorReasons.AdminTokenInvalid), (CredentialHandler.RefusalOf(result)!.Kind, CredentialHandler.RefusalOf(result)!.Reason));
        Assert.DoesNotContain(Token, CredentialHandler.RefusalOf(result)!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer " + Token)]
    [InlineData("bearer " + OtherToken)]
    public async Task AuthenticateAsync_AnyConfiguredToken_Admitted(string header)
    {
        var result = await AuthenticateAsync([OtherToken, Token], header);

        Assert.True(result.Succeeded);
        Assert.Equal(CredentialSchemes.Admin, result.Principal!.Identity!.AuthenticationType);
        Assert.Null(CredentialHandler.RefusalOf(result));
    }

    [Fact]
    public void Validate_ShortToken_Fails() =>
        Assert.True(new DirectoryOptionsValidator(new TestHostEnvironment("Production"))
            .Validate(null, new DirectoryOptions { AdminTokens = ["c2hvcnQ="] }).Failed);

    [Fact]
    public void Validate_DevelopmentTokenOutsideDevelopment_Fails()
    {
        var options = new DirectoryOptions { AdminTokens = ["REVWRUxPUE1FTlQtZGlyZWN0b3J5LWFkbWluLXRva2VuLW5vdC1hLXNlY3JldDE="] };

        Assert.True(new DirectoryOptionsValidator(new TestHostEnvironment("Production")).Validate(null, options).Failed);
        Assert.True(new DirectoryOptionsValidator(new TestHostEnvironment("Development")).Validate(null, options).Succeeded);
    }

    private static Task<AuthenticateResult> AuthenticateAsync(
        List<string> tokens,
        string? header,
        OncePerProcess<AdminTokenHandler>? once = null,
        FakeLogger<AdminTokenHandler>? logger = null)
    {
        var handler = new AdminTokenHandler(
            SchemeHarness.Options,
            UrlEncoder.Default,
            new AdminTokenVerifier(Options.Create(new DirectoryOptions { AdminTokens = tokens })),
            once ?? new OncePerProcess<AdminTokenHandler>(),
            logger ?? new FakeLogger<AdminTokenHandler>());
        return SchemeHarness.AuthenticateAsync(handler, CredentialSchemes.Admin, SchemeHarness.Request(Method, ("authorization", header)));
    }
}
