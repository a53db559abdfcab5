using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Sessions;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Base of every test class: xUnit makes one instance per test, so every test gets its own server
/// (its own in-memory store, clock, outbox and limits) and a real gRPC channel to it.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xUnit disposes the server through IAsyncLifetime.DisposeAsync after each test.")]
public abstract class IntegrationTest : IAsyncLifetime
{
    private protected const string CodeKey = "code";

    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(120);

    private readonly ServerOptions options;
    private readonly List<GrpcChannel> cliChannels = [];
    private RecoveryServerFactory? factory;
    private RecoveryApi? api;

    private protected IntegrationTest(ServerOptions? options = null) => this.options = options ?? ServerOptions.Default;

    private protected RecoveryServerFactory Factory => factory ?? throw new InvalidOperationException("Not started.");

    private protected RecoveryApi Api => api ?? throw new InvalidOperationException("Not started.");

    private protected FakeTimeProvider Time => Factory.Time;

    private protected RecordingOutbox Outbox => Factory.Outbox;

    private protected RecordingAuditLog Audit => Factory.Audit;

    private protected RecordingLoggerProvider Logs => Factory.Logs;

    public Task InitializeAsync()
    {
        factory = new RecoveryServerFactory(options);
        api = new RecoveryApi(CreateChannel());
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        lock (cliChannels)
        {
            foreach (var channel in cliChannels)
            {
                channel.Dispose();
            }
        }

        api?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync().AsTask().WaitAsync(RecoveryApi.Timeout);
        }
    }

    /// <summary>A real channel over the in-memory server's handler.</summary>
    private protected GrpcChannel CreateChannel() =>
        GrpcChannel.ForAddress(Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Factory.Server.CreateHandler() });

    /// <summary>
    /// Runs the AuthClient tool in process against this test's server (over its handler, whatever the
    /// <c>--server</c> URL; one is added when <paramref name="args"/> has none) with no standard input.
    /// </summary>
    private protected async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] all = args.Contains("--server") ? args : [.. args, "--server", Factory.Server.BaseAddress.ToString()];
        var exitCode = await Client.Cli.RunAsync(all, stdout, stderr, TextReader.Null, channelFactory: url =>
        {
            var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = Factory.Server.CreateHandler() });
            lock (cliChannels)
            {
                cliChannels.Add(channel);
            }

            return channel;
        }).WaitAsync(CliTimeout);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private protected static Task<RpcError> RefusedAsync(Func<Task> call) => RpcError.FromAsync(call);

    private protected Task<CredentialRecord> CredentialsAsync(DemoCustomer customer) =>
        GetCredentialsAsync(Factory.Services.GetRequiredService<ICustomerStore>(), customer.Id);

    /// <summary>StartRecovery for a known customer; returns the response and the code of the SMS it sent.</summary>
    private protected async Task<(StartRecoveryResponse Started, string Code)> StartAsync(DemoCustomer customer)
    {
        var mark = Outbox.Count;
        var started = await Api.StartAsync(customer);
        var sms = Outbox.Single(mark, NotificationTemplates.RecoveryCode);
        Assert.Equal((NotificationChannel.Sms, customer.Phone), (sms.Channel, sms.To));
        return (started, sms.Values[CodeKey]);
    }

    /// <summary>Steps 1–3 for <paramref name="customer"/>; returns the temporary password sent by SMS.</summary>
    private protected async Task<string> RecoverAsync(DemoCustomer customer)
    {
        var (started, code) = await StartAsync(customer);
        var mark = Outbox.Count;
        await Api.ConfirmAsync(started.RecoveryId, code);
        return Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];
    }

    /// <summary>Steps 1–4: a recovery, then a login with the temporary password.</summary>
    private protected async Task<(string Ticket, string TemporaryPassword)> RecoverAndLogInAsync(DemoCustomer customer)
    {
        var temporary = await RecoverAsync(customer);
        var login = await Api.LoginAsync(customer.UserCode, temporary);
        Assert.Equal(LoginResponse.ResultOneofCase.PasswordChangeRequired, login.ResultCase);
        return (login.PasswordChangeRequired.ChangeTicket, temporary);
    }

    /// <summary>Step 5: ChangePassword; returns the operation and the signing code of its SMS.</summary>
    private protected async Task<(Operation Operation, string Code)> OpenChangeAsync(string ticket, string temporaryPassword, string newPassword)
    {
        var mark = Outbox.Count;
        var operation = (await Api.ChangePasswordAsync(ticket, temporaryPassword, newPassword)).Operation;
        var sms = Outbox.Single(mark, NotificationTemplates.OperationCode);
        Assert.Equal(operation.Reference, sms.Values["reference"]);
        return (operation, sms.Values[CodeKey]);
    }

    /// <summary>
    /// <paramref name="customer"/> logged in with the initial password, an authenticator app enrolled and confirmed with its
    /// current code and the SMS code sent for it; returns the app.
    /// </summary>
    private protected async Task<OtpNet.Totp> EnrolledAndConfirmedAppAsync(DemoCustomer customer)
    {
        var login = await Api.LoginAsync(customer.UserCode, customer.InitialPassword);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, login.ResultCase);
        var session = login.Session.Token;
        var mark = Outbox.Count;
        var app = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes((await Api.EnrollAuthenticatorAsync(session)).Secret));
        var smsCode = Outbox.Single(mark, NotificationTemplates.AuthenticatorCode).Values[CodeKey];
        await Api.ConfirmAuthenticatorAsync(session, app.ComputeTotp(Time.GetUtcNow().UtcDateTime), smsCode);
        return app;
    }

    /// <summary>
    /// <paramref name="customer"/> with a confirmed app (<see cref="EnrolledAndConfirmedAppAsync"/>), recovered and logged
    /// in with the temporary password, an operation to change it to <see cref="DemoCustomer.NewPassword"/> opened; returns
    /// the operation, the app's code of a time step after the one the enrolment used (the clock moved on 30 s) and the
    /// temporary password.
    /// </summary>
    private protected async Task<(Operation Operation, string AppCode, string TemporaryPassword)> OpenChangeSignedByAppAsync(DemoCustomer customer)
    {
        var app = await EnrolledAndConfirmedAppAsync(customer);
        var (ticket, temporary) = await RecoverAndLogInAsync(customer);
        var (operation, _) = await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
        Time.Advance(TimeSpan.FromSeconds(30));
        return (operation, app.ComputeTotp(Time.GetUtcNow().UtcDateTime), temporary);
    }

    /// <summary>
    /// Asserts that <paramref name="customer"/> is wholly before a password change: nothing sent since <paramref name="mark"/>,
    /// the credentials at <paramref name="before"/>'s version, <see cref="DemoCustomer.NewPassword"/> refused and the
    /// temporary password still opening only the password-change screen.
    /// </summary>
    private protected async Task AssertPasswordUnchangedAsync(DemoCustomer customer, CredentialRecord before, int mark, string temporaryPassword)
    {
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(before.Version, (await CredentialsAsync(customer)).Version);
        await AssertLoginRefusedAsync(customer, DemoCustomer.NewPassword);
        await AssertChangeRequiredAsync(customer, temporaryPassword);
    }

    /// <summary>
    /// Asserts that <paramref name="customer"/> is wholly after one change to <see cref="DemoCustomer.NewPassword"/>: one message
    /// sent since <paramref name="mark"/>, the e-mail that tells the customer so, the credentials one version past
    /// <paramref name="before"/>, and the new password opening a session.
    /// </summary>
    private protected async Task AssertPasswordChangedOnceAsync(DemoCustomer customer, CredentialRecord before, int mark)
    {
        var email = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.PasswordChanged, customer.Email), (email.Template, email.To));
        Assert.Equal(before.Version + 1, (await CredentialsAsync(customer)).Version);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(customer.UserCode, DemoCustomer.NewPassword)).ResultCase);
    }

    /// <summary>Asserts that <paramref name="password"/> is refused as a wrong password for <paramref name="customer"/>.</summary>
    private protected async Task AssertLoginRefusedAsync(DemoCustomer customer, string password) =>
        (await RefusedAsync(() => Api.LoginAsync(customer.UserCode, password))).Is(StatusCode.Unauthenticated, "INVALID_CREDENTIALS");

    /// <summary>Asserts that <paramref name="password"/> still opens only the password-change screen.</summary>
    private protected async Task AssertChangeRequiredAsync(DemoCustomer customer, string password) =>
        Assert.Equal(LoginResponse.ResultOneofCase.PasswordChangeRequired, (await Api.LoginAsync(customer.UserCode, password)).ResultCase);

    /// <summary>A 6-digit code that differs from <paramref name="code"/>.</summary>
    private protected static string Other(string code) =>
        ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<CredentialRecord> GetCredentialsAsync(ICustomerStore store, string customerId) =>
        await store.GetCredentialsAsync(customerId, CancellationToken.None).WaitAsync(RecoveryApi.Timeout)
            ?? throw new InvalidOperationException($"No credentials for {customerId}.");
}
