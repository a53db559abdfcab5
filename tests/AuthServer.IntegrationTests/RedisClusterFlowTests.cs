using Grpc.Core;
using Grpc.Net.Client;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Sessions;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>The whole flow, two nodes hopping, on a three-master Redis Cluster: every script's keys share one slot.</summary>
public sealed class RedisClusterFlowTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>, IAsyncLifetime
{
    private readonly List<(RecoveryServerFactory Factory, RecoveryApi Api)> nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (factory, api) in nodes)
        {
            api.Dispose();
            await factory.DisposeAsync().AsTask().WaitAsync(RecoveryApi.Timeout);
        }
    }

    [Fact]
    public async Task WholeFlow_OnClusterHoppingBetweenTwoNodes_NewPasswordInForce()
    {
        var prefix = RedisServerFixture.UniquePrefix();
        var a = StartNode(prefix);
        var b = StartNode(prefix);
        var seed = DemoCustomer.Seed;

        var (confirmed, temporary, ticket) = await RecoverAndLogInAsync(a, b, seed);
        Assert.Equal("+34 - 6*****331", confirmed.MaskedPhone);
        var mark = b.Factory.Outbox.Count;
        var operation = (await b.Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword)).Operation;
        var signing = b.Factory.Outbox.Single(mark, NotificationTemplates.OperationCode).Values["code"];

        Assert.Equal(OperationState.Signed, (await a.Api.SignAsync(operation.OperationId, signing)).State);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await b.Api.LoginAsync(seed.UserCode, DemoCustomer.NewPassword)).ResultCase);
    }

    [Fact]
    public async Task AuthenticatorEnrolment_OnClusterHoppingBetweenTwoNodes_WrongThenRightSmsCodeConfirmsAndEmails()
    {
        // The enrolment's save checks the credentials, and its SMS code's step (ledger, challenge, enrolment) is one
        // script: on Cluster every one of those keys must be in the customer's slot.
        var prefix = RedisServerFixture.UniquePrefix();
        var a = StartNode(prefix);
        var b = StartNode(prefix);
        var maria = DemoCustomer.Maria;

        var session = (await a.Api.LoginAsync(maria.UserCode, maria.InitialPassword)).Session.Token;
        var mark = b.Factory.Outbox.Count;
        var enrolled = await b.Api.EnrollAuthenticatorAsync(session);
        var smsCode = b.Factory.Outbox.Single(mark, NotificationTemplates.AuthenticatorCode).Values["code"];
        var appCode = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(enrolled.Secret)).ComputeTotp(a.Factory.Time.GetUtcNow().UtcDateTime);
        var wrong = ((int.Parse(smsCode, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        var refused = await Assert.ThrowsAsync<RpcException>(() => a.Api.ConfirmAuthenticatorAsync(session, appCode, wrong));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        mark = b.Factory.Outbox.Count;
        await b.Api.ConfirmAuthenticatorAsync(session, appCode, smsCode);

        Assert.Equal(maria.Email, b.Factory.Outbox.Single(mark, NotificationTemplates.AuthenticatorAdded).To);
    }

    [Fact]
    public async Task SignOperation_OnClusterWithAnApp_WrongCodeRefusedThenTheAppCodeSigns()
    {
        // A signature's code steps are scripts of the customer's slot: the try's take (which finds the app), the wrong code
        // tried under the unit held, and the app's step used with the SMS challenge ended. On Cluster every key of each must
        // be in that slot, the operation's record and challenge under the slot twin its id names, or Cluster would refuse
        // them (CROSSSLOT).
        var prefix = RedisServerFixture.UniquePrefix();
        var a = StartNode(prefix);
        var b = StartNode(prefix);
        var maria = DemoCustomer.Maria;
        var session = (await a.Api.LoginAsync(maria.UserCode, maria.InitialPassword)).Session.Token;
        var mark = b.Factory.Outbox.Count;
        var enrolled = await b.Api.EnrollAuthenticatorAsync(session);
        var app = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(enrolled.Secret));
        await b.Api.ConfirmAuthenticatorAsync(session, app.ComputeTotp(b.Factory.Time.GetUtcNow().UtcDateTime), b.Factory.Outbox.Single(mark, NotificationTemplates.AuthenticatorCode).Values["code"]);
        var (_, temporary, ticket) = await RecoverAndLogInAsync(a, b, maria);
        mark = a.Factory.Outbox.Count;
        var operation = (await a.Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword)).Operation;
        var signing = a.Factory.Outbox.Single(mark, NotificationTemplates.OperationCode).Values["code"];
        var wrong = ((int.Parse(signing, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        var refused = await Assert.ThrowsAsync<RpcException>(() => b.Api.SignAsync(operation.OperationId, wrong));
        b.Factory.Time.Advance(TimeSpan.FromSeconds(30));
        var signed = await b.Api.SignAsync(operation.OperationId, app.ComputeTotp(b.Factory.Time.GetUtcNow().UtcDateTime));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(OperationState.Signed, signed.State);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await a.Api.LoginAsync(maria.UserCode, DemoCustomer.NewPassword)).ResultCase);
    }

    [Fact]
    public async Task VoiceCodeThenCancel_OnCluster_TheOperationsOneSlotScriptsRun()
    {
        var prefix = RedisServerFixture.UniquePrefix();
        var a = StartNode(prefix);
        var b = StartNode(prefix);
        var seed = DemoCustomer.Seed;

        var (_, temporary, ticket) = await RecoverAndLogInAsync(a, a, seed);
        var operation = (await a.Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword)).Operation;
        b.Factory.Time.Advance(TimeSpan.FromSeconds(30));

        // The card check and the reissue are one script, the code's close and the cancel another: each on the
        // operation's slot, or Cluster would refuse them (CROSSSLOT).
        var agent = new CallCentreService.CallCentreServiceClient(b.Api.Channel);
        var voice = await RecoveryApi.CallAsync(agent.IssueOperationCodeByVoiceAsync(
            new IssueOperationCodeByVoiceRequest { Reference = operation.Reference, CardNumber = seed.Card, CardExpiry = seed.Expiry },
            new global::Grpc.Core.CallOptions(new global::Grpc.Core.Metadata { { "authorization", "Bearer " + CallCentreToken }, { "x-agent-id", "agente.0042" } }, DateTime.UtcNow + RecoveryApi.Deadline)));
        Assert.Equal(6, voice.Code.Length);

        Assert.Equal(OperationState.Cancelled, (await a.Api.CancelAsync(operation.OperationId)).State);
    }

    /// <summary>The published development token of appsettings.Development.json.</summary>
    private const string CallCentreToken = "REVWRUxPUE1FTlQtY2FsbC1jZW50cmUtdG9rZW4tbm90LWEtc2VjcmV0LTAx";

    /// <summary>
    /// Steps 1 to 4 for <paramref name="customer"/>: the recovery started on <paramref name="starts"/>, its code confirmed on
    /// <paramref name="confirms"/> (each node's outbox holds the messages its calls enqueued), then a login with the
    /// temporary password on <paramref name="starts"/>.
    /// </summary>
    private static async Task<(ConfirmRecoveryResponse Confirmed, string Temporary, string Ticket)> RecoverAndLogInAsync(
        (RecoveryServerFactory Factory, RecoveryApi Api) starts, (RecoveryServerFactory Factory, RecoveryApi Api) confirms, DemoCustomer customer)
    {
        var mark = starts.Factory.Outbox.Count;
        var started = await starts.Api.StartAsync(customer);
        var code = starts.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values["code"];
        mark = confirms.Factory.Outbox.Count;
        var confirmed = await confirms.Api.ConfirmAsync(started.RecoveryId, code);
        var temporary = confirms.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];
        var ticket = (await starts.Api.LoginAsync(customer.UserCode, temporary)).PasswordChangeRequired.ChangeTicket;
        return (confirmed, temporary, ticket);
    }

    private (RecoveryServerFactory Factory, RecoveryApi Api) StartNode(string prefix)
    {
        var factory = new RecoveryServerFactory(new ServerOptions(Redis: (cluster.Configuration, prefix)));
        var api = new RecoveryApi(GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }));
        nodes.Add((factory, api));
        return (factory, api);
    }
}
