using Grpc.Core;
using Grpc.Net.Client;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Sessions;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A walk through everything that handles a secret, for the tests that look for secrets where none may be (logs,
/// spans): steps 1–6 for the seed customer with a wrong recovery code and a wrong signing code on the way, the
/// call-centre voice code that signs the operation, a session, a wrong password, an unknown user code and an admin
/// query, every call carrying its channel, agent or admin token. It returns every secret value it met.
/// </summary>
public abstract class SecretWalkTest : IntegrationTest
{
    /// <summary>The channel token of "web" in these tests (base64 of 40 bytes; not a development value).</summary>
    private protected const string ChannelToken = "d2ViLWNoYW5uZWwtdG9rZW4tZm9yLXRoZS1zZWNyZXQtd2Fsay10ZXN0cy0wMQ==";

    /// <summary>The published development tokens and keys of appsettings.Development.json.</summary>
    private const string CallCentreToken = "REVWRUxPUE1FTlQtY2FsbC1jZW50cmUtdG9rZW4tbm90LWEtc2VjcmV0LTAx";
    private const string AdminToken = "REVWRUxPUE1FTlQtZGlyZWN0b3J5LWFkbWluLXRva2VuLW5vdC1hLXNlY3JldDE=";
    private static readonly string[] SecretKeys =
    [
        "REVWRUxPUE1FTlQtY2FyZC1sb29rdXAta2V5LW5vdC1hLXNlY3JldC0wMQ==",
        "REVWRUxPUE1FTlQtb25lLXRpbWUtY29kZS1rZXktbm90LWEtc2VjcmV0LTE=",
        "REVWRUxPUE1FTlQtcGFzc3dvcmQtcGVwcGVyLW5vdC1hLXNlY3JldC0wMDE=",
    ];

    private const string WrongPassword = "Equivocada#Clave77";

    private protected SecretWalkTest(ServerOptions options)
        : base(options with { Settings = new Dictionary<string, string>(options.Settings ?? new Dictionary<string, string>()) { ["Channels:Tokens:web:0"] = ChannelToken } })
    {
    }

    /// <summary>Runs the walk; returns (what, value) for every secret it handled.</summary>
    private protected async Task<IReadOnlyList<(string Name, string Value)>> WalkAsync()
    {
        var seed = DemoCustomer.Seed;
        var secrets = new List<(string, string)>
        {
            ("card", seed.Card), ("document", seed.Document), ("phone", seed.Phone), ("phone digits", seed.Phone[3..]),
            ("e-mail", seed.Email), ("user code", seed.UserCode), ("initial password", seed.InitialPassword),
            ("new password", DemoCustomer.NewPassword), ("wrong password", WrongPassword), ("channel token", ChannelToken),
            ("call-centre token", CallCentreToken), ("admin token", AdminToken),
        };
        secrets.AddRange(SecretKeys.Select(k => ("secret key", k)));

        using var channel = GrpcChannel.ForAddress(Factory.Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = Factory.Server.CreateHandler(),
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", "Bearer " + ChannelToken);
                return Task.CompletedTask;
            })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        using var web = new RecoveryApi(channel);

        // 1–3: a wrong code first, then the right one.
        var mark = Outbox.Count;
        var started = await web.StartAsync(seed);
        var code = Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values[CodeKey];
        secrets.AddRange([("recovery id", started.RecoveryId), ("recovery code", code), ("wrong recovery code", Other(code))]);
        await Assert.ThrowsAsync<RpcException>(() => web.ConfirmAsync(started.RecoveryId, Other(code)));
        mark = Outbox.Count;
        await web.ConfirmAsync(started.RecoveryId, code);
        var temporary = Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];
        secrets.Add(("temporary password", temporary));

        // 4–5
        var login = await web.LoginAsync(seed.UserCode, temporary);
        var ticket = login.PasswordChangeRequired.ChangeTicket;
        secrets.Add(("change ticket", ticket));
        await web.EvaluateAsync(DemoCustomer.NewPassword, ticket);
        mark = Outbox.Count;
        var operation = (await web.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword)).Operation;
        var smsCode = Outbox.Single(mark, NotificationTemplates.OperationCode).Values[CodeKey];
        secrets.AddRange([("operation id", operation.OperationId), ("operation reference", operation.Reference), ("signing code", smsCode), ("wrong signing code", Other(smsCode))]);
        await Assert.ThrowsAsync<RpcException>(() => web.SignAsync(operation.OperationId, Other(smsCode)));

        // 6 through the call centre: the agent checks the card and reads out a code that signs.
        Time.Advance(TimeSpan.FromSeconds(30));
        var agent = new CallCentreService.CallCentreServiceClient(Api.Channel);
        var agentHeaders = new Metadata { { "authorization", "Bearer " + CallCentreToken }, { "x-agent-id", "agente.0042" } };
        await RecoveryApi.CallAsync(agent.LookupOperationAsync(new LookupOperationRequest { Reference = operation.Reference }, new CallOptions(agentHeaders, DateTime.UtcNow + RecoveryApi.Deadline)));
        var voice = await RecoveryApi.CallAsync(agent.IssueOperationCodeByVoiceAsync(
            new IssueOperationCodeByVoiceRequest { Reference = operation.Reference, CardNumber = seed.Card, CardExpiry = seed.Expiry },
            new CallOptions(agentHeaders, DateTime.UtcNow + RecoveryApi.Deadline)));
        secrets.Add(("voice code", voice.Code));
        Assert.Equal(OperationState.Signed, (await web.SignAsync(operation.OperationId, voice.Code)).State);

        // A session, a wrong password, an unknown user code, an admin query.
        var session = await web.LoginAsync(seed.UserCode, DemoCustomer.NewPassword);
        secrets.Add(("session token", session.Session.Token));
        await Assert.ThrowsAsync<RpcException>(() => web.LoginAsync(seed.UserCode, WrongPassword));
        await Assert.ThrowsAsync<RpcException>(() => web.LoginAsync("99999999", WrongPassword));
        var directory = new DirectoryService.DirectoryServiceClient(Api.Channel);
        await RecoveryApi.CallAsync(directory.GetCustomerStatusAsync(
            new GetCustomerStatusRequest { UserCode = seed.UserCode },
            new CallOptions(new Metadata { { "authorization", "Bearer " + AdminToken } }, DateTime.UtcNow + RecoveryApi.Deadline)));
        return secrets;
    }
}
