using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class AdminTokenInterceptorTests
{
    private const string Token = "dGVzdC1hZG1pbi10b2tlbi0wMTIzNDU2Nzg5LWFiY2RlZmdoaWo=";
    private const string OtherToken = "b3RoZXItYWRtaW4tdG9rZW4tMDEyMzQ1Njc4OS1hYmNkZWZnaGlq";

    [Fact]
    public async Task UnaryServerHandler_NoTokenConfigured_PermissionDeniedAndNotRun()
    {
        var ran = false;
        var ex = await Assert.ThrowsAsync<DomainFailureException>(() => Handle([], $"Bearer {Token}", () => ran = true));

        Assert.Equal((FailureKind.PermissionDenied, ErrorReasons.DirectoryDisabled), (ex.Failure.Kind, ex.Failure.Reason));
        Assert.False(ran);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(Token)]
    [InlineData("Bearer " + OtherToken)]
    [InlineData("Basic " + Token)]
    public async Task UnaryServerHandler_MissingOrWrongToken_UnauthenticatedAndNotRun(string? header)
    {
        var ran = false;
        var ex = await Assert.ThrowsAsync<DomainFailureException>(() => Handle([Token], header, () => ran = true));

        Assert.Equal((FailureKind.Unauthenticated, ErrorReasons.AdminTokenInvalid), (ex.Failure.Kind, ex.Failure.Reason));
        Assert.False(ran);
    }

    [Theory]
    [InlineData("Bearer " + Token)]
    [InlineData("bearer " + OtherToken)]
    public async Task UnaryServerHandler_AnyConfiguredToken_Runs(string header)
    {
        var ran = false;
        await Handle([OtherToken, Token], header, () => ran = true);

        Assert.True(ran);
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

    private static Task<string> Handle(List<string> tokens, string? header, Action body)
    {
        var interceptor = new AdminTokenInterceptor(
            new AdminTokenVerifier(Options.Create(new DirectoryOptions { AdminTokens = tokens })), NullLogger<AdminTokenInterceptor>.Instance);
        var headers = new Metadata();
        if (header is not null)
        {
            headers.Add("authorization", header);
        }

        return interceptor.UnaryServerHandler("request", new TestCallContext("/recovery.v1.DirectoryService/UpsertCustomer", headers), (_, _) =>
        {
            body();
            return Task.FromResult("response");
        });
    }
}
