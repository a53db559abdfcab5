using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Audit;
using Recovery.AuthServer.Channels;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Grpc;

public sealed class GrpcAuthorizationResultHandlerTests : IDisposable
{
    private const string Path = "/recovery.v1.RecoveryService/StartRecovery";
    private static readonly string Web = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private readonly TestMetrics metrics = new();
    private readonly FakeLogger<GrpcAuthorizationResultHandler> logger = new();
    private readonly List<AuditEvent> audited = [];

    public void Dispose() => metrics.Dispose();

    [Fact]
    public async Task HandleAsync_ForbiddenByARequirement_TrailersOnlyGrpcStatusWithItsErrorInfoCountedAndNotRun()
    {
        using var completed = new MetricCollector<long>(metrics.Factory, RecoveryMeter.Name, "recovery.rpc.completed");
        var http = GrpcCall();
        var failure = new Failure(FailureKind.PermissionDenied, ErrorReasons.ChannelMismatch, "The x-channel header names another channel.");
        var forbid = PolicyAuthorizationResult.Forbid(AuthorizationFailure.Failed([new RefusalReason(new ChannelHeaderHandler(new ListAuditLog(audited)), failure)]));
        var ran = false;

        await Handler().HandleAsync(_ => { ran = true; return Task.CompletedTask; }, http, Policy(), forbid);

        Assert.False(ran);
        var status = Answered(http, StatusCode.PermissionDenied);
        Assert.Equal(failure.Message, status.Message);
        Assert.Equal(ErrorReasons.ChannelMismatch, status.GetDetail<ErrorInfo>()!.Reason);
        var counted = Assert.Single(completed.GetMeasurementSnapshot());
        Assert.Equal((Path, "PermissionDenied", ErrorReasons.ChannelMismatch),
            ((string)counted.Tags["rpc.method"]!, (string)counted.Tags["rpc.grpc.status_code"]!, (string)counted.Tags["recovery.reason"]!));
    }

    [Fact]
    public async Task HandleAsync_ChallengedAfterTheSchemeRefused_WritesTheSchemesFailureWithoutCheckingOrAuditingAgain()
    {
        await using var services = Services();
        var http = GrpcCall(services);

        // The authorization middleware authenticates the policy's scheme first; the handler asks it again.
        await http.AuthenticateAsync(CredentialSchemes.Channel);
        await Handler().HandleAsync(_ => throw new InvalidOperationException("must not run"), http, Policy(), PolicyAuthorizationResult.Challenge());

        var status = Answered(http, StatusCode.Unauthenticated);
        Assert.Equal(ErrorReasons.ChannelTokenInvalid, status.GetDetail<ErrorInfo>()!.Reason);
        Assert.Single(audited);
    }

    [Fact]
    public async Task HandleAsync_RefusedWithoutOneOfOurReasons_InternalWithErrorInfoAndLogged()
    {
        var http = GrpcCall();

        await Handler().HandleAsync(_ => Task.CompletedTask, http, Policy(), PolicyAuthorizationResult.Forbid());

        Assert.Equal(ErrorReasons.Internal, Answered(http, StatusCode.Internal).GetDetail<ErrorInfo>()!.Reason);
        Assert.Contains(Path, Assert.Single(logger.Collector.GetSnapshot()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_MessageWithPercentAndNonAscii_PercentEncodedAsGrpcMessage()
    {
        var http = new DefaultHttpContext();

        GrpcAuthorizationResultHandler.Write(http.Response, RpcStatusMapper.ToRpcException(new Failure(FailureKind.Unauthenticated, "X", "100% señal")));

        Assert.Equal("100%25 se%C3%B1al", http.Response.Headers["grpc-message"].ToString());
    }

    private GrpcAuthorizationResultHandler Handler() => new(metrics.Rpc, logger);

    private static AuthorizationPolicy Policy() =>
        new AuthorizationPolicyBuilder(CredentialSchemes.Channel).RequireAuthenticatedUser().Build();

    private static DefaultHttpContext GrpcCall(IServiceProvider? services = null)
    {
        var http = SchemeHarness.Request(Path);
        if (services is not null)
        {
            http.RequestServices = services;
        }

        var marshaller = Marshallers.StringMarshaller;
        var method = new Method<string, string>(MethodType.Unary, "recovery.v1.RecoveryService", "StartRecovery", marshaller, marshaller);
        http.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new GrpcMethodMetadata(typeof(object), method)), Path));
        return http;
    }

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new ChannelAuthenticator(Options.Create(new ChannelOptions
        {
            Tokens = new(StringComparer.Ordinal) { ["web"] = [Web] },
        })));
        services.AddSingleton<IAuditLog>(new ListAuditLog(audited));
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ChannelTokenHandler>(CredentialSchemes.Channel, null, _ => { });
        return services.BuildServiceProvider();
    }

    // A trailers-only answer: HTTP 200, application/grpc, and the status with its details in the headers.
    private static Google.Rpc.Status Answered(HttpContext http, StatusCode code)
    {
        Assert.Equal((200, "application/grpc"), (http.Response.StatusCode, http.Response.ContentType));
        Assert.Equal(((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture), http.Response.Headers["grpc-status"].ToString());
        var details = http.Response.Headers["grpc-status-details-bin"].ToString();
        var status = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(details.PadRight(details.Length + ((4 - (details.Length % 4)) % 4), '=')));
        Assert.Equal((int)code, status.Code);
        return status;
    }

    private sealed class ListAuditLog(List<AuditEvent> events) : IAuditLog
    {
        public void Record(AuditEvent auditEvent) => events.Add(auditEvent);
    }
}
