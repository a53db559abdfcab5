using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Sessions;
using Recovery.V1;
using IAuthenticatorStore = Recovery.AuthServer.Otp.IAuthenticatorStore;
using IChallengeStore = Recovery.AuthServer.Otp.IChallengeStore;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Attacks on the one-time codes that renew their tries: new recoveries and resends against one card, new
/// operations and cancels against one customer, re-enrolments every 30 s. Wrong codes count per card and
/// document, per customer's signatures and per customer's enrolments over a rolling 24 h (Otp:WrongCodeWindow),
/// whatever the challenge. The attacker uses only the public RPCs, with the shipped rate limits; what was
/// evaluated is read from the challenges afterwards (each evaluated wrong code adds one to its challenge's
/// total failures). Run once per storage provider by the sealed subclasses; on Redis calls alternate
/// between two nodes sharing one redis-server.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xUnit disposes the nodes through IAsyncLifetime.DisposeAsync after each test.")]
public abstract class WrongCodeBudgetTests : IAsyncLifetime
{
    private const int Budget = 10;
    private static readonly DemoCustomer Maria = DemoCustomer.Maria;
    private static readonly string[] ParallelAnswers = ["CODE_INCORRECT", "CODE_BURNED", "RECOVERY_BLOCKED"];
    private static readonly (string Card, string Expiry, string Document) UnknownCard = ("4000000000000002", "12/29", "00000000T");
    private readonly List<Node> nodes = [];
    private int next;

    private protected abstract int NodeCount { get; }

    public virtual async Task InitializeAsync()
    {
        var options = await NodeOptionsAsync();
        for (var i = 0; i < NodeCount; i++)
        {
            var factory = new RecoveryServerFactory(options);
            nodes.Add(new Node(factory, new RecoveryApi(GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }))));
        }
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var node in nodes)
        {
            node.Api.Dispose();
            await node.Factory.DisposeAsync().AsTask().WaitAsync(RecoveryApi.Timeout);
        }
    }

    /// <summary>The shipped rate limits (DefaultRateLimits) and, on Redis, the shared server.</summary>
    private protected abstract Task<ServerOptions> NodeOptionsAsync();

    [Fact]
    public async Task ConfirmRecovery_NewRecoveriesAndResendsForADay_AtMostTenWrongCodesPerCardAndDecoysAnswerAlike()
    {
        // The attacker never makes the fifth wrong try that would close a recovery: four per recovery (three burn
        // the code, a resend gives one more), then a new recovery, as often as the per-card rate limit allows.
        var real = await AttackRecoveriesForADayAsync((Maria.Card, Maria.Expiry, Maria.Document));
        var decoy = await AttackRecoveriesForADayAsync(UnknownCard);

        Assert.InRange(real.Evaluated, 1, Budget);
        Assert.InRange(decoy.Evaluated, 1, Budget);
        Assert.Contains("RECOVERY_BLOCKED", real.Transcript);

        // A stranger cannot tell the customer's card from an unknown one: the same answers in the same order.
        Assert.Equal(real.Transcript, decoy.Transcript);

        // Once the budget is spent nothing is sent to the customer for the rest of the window.
        Assert.Equal(real.CodesSent, real.CodesSentBeforeBlocked);
    }

    [Fact]
    public async Task ConfirmRecovery_TwoHundredParallelWrongCodesOverFiveRecoveries_AtMostTenEvaluated()
    {
        var recoveries = new List<(string Id, string Code)>();
        for (var i = 0; i < 5; i++)
        {
            var node = Next();
            var mark = node.Factory.Outbox.Count;
            var started = await node.Api.StartAsync(Maria);
            recoveries.Add((started.RecoveryId, node.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values["code"]));
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
        {
            var (id, code) = recoveries[i % recoveries.Count];
            var node = nodes[i % nodes.Count];
            return ReasonAsync(() => node.Api.ConfirmAsync(id, Other(code)));
        })).WaitAsync(TimeSpan.FromSeconds(60));

        // Three wrong tries burn each code, so without a budget per card 5 × 3 = 15 would be evaluated.
        var evaluated = 0;
        foreach (var (id, _) in recoveries)
        {
            evaluated += await RecoveryFailuresAsync(id);
        }

        Assert.InRange(evaluated, 1, Budget);
        Assert.All(answers, a => Assert.Contains(a, ParallelAnswers));
        Assert.Contains("RECOVERY_BLOCKED", answers);
    }

    [Fact]
    public async Task SignOperation_NewOperationsAndCancels_AtMostTenWrongCodesPerCustomerThenTheRightCodeRefused()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
        var evaluated = 0;
        var transcript = new List<string>();

        // Four operations, four wrong codes each (three burn the code, a resend gives one more), then a cancel.
        for (var round = 0; round < 4; round++)
        {
            var (operation, code) = await OpenChangeAsync(ticket, temporary);
            for (var i = 0; i < 3; i++)
            {
                transcript.Add(await ReasonAsync(() => Next().Api.SignAsync(operation.OperationId, Other(code))));
            }

            Advance(TimeSpan.FromSeconds(30));
            var resendNode = Next();
            var resendMark = resendNode.Factory.Outbox.Count;
            if (await ReasonAsync(() => resendNode.Api.ResendOperationCodeAsync(operation.OperationId)) == "OK")
            {
                var resent = resendNode.Factory.Outbox.Single(resendMark, NotificationTemplates.OperationCode).Values["code"];
                transcript.Add(await ReasonAsync(() => Next().Api.SignAsync(operation.OperationId, Other(resent))));
            }

            evaluated += await TotalFailuresAsync(OperationChallengeId(operation.OperationId));
            await ReasonAsync(() => Next().Api.CancelAsync(operation.OperationId));
        }

        Assert.InRange(evaluated, 1, Budget);
        Assert.Contains("OPERATION_BLOCKED", transcript);

        // For the rest of the window no code signs for this customer, the right one included.
        var (last, right) = await OpenChangeAsync(ticket, temporary);
        Assert.Equal("OPERATION_BLOCKED", await ReasonAsync(() => Next().Api.SignAsync(last.OperationId, right)));
        Assert.Equal(0, await TotalFailuresAsync(OperationChallengeId(last.OperationId)));
        Assert.Equal(LoginResponse.ResultOneofCase.PasswordChangeRequired, (await Next().Api.LoginAsync(Maria.UserCode, temporary)).ResultCase);
    }

    [Fact]
    public async Task ConfirmAuthenticator_ReEnrollingEveryThirtySeconds_AtMostTenWrongSmsCodesPerCustomerThenTheRightCodeRefused()
    {
        var login = await Next().Api.LoginAsync(Maria.UserCode, Maria.InitialPassword);
        var session = login.Session.Token;
        var evaluated = 0;
        var transcript = new List<string>();

        // Each enrolment sends a new SMS code with three tries of its own; the attacker holds the app's secret.
        for (var round = 0; round < 4; round++)
        {
            var (enrolled, smsCode) = await EnrollAsync(session);
            for (var i = 0; i < 3; i++)
            {
                transcript.Add(await ReasonAsync(() => Next().Api.ConfirmAuthenticatorAsync(session, AppCode(enrolled), Other(smsCode))));
            }

            evaluated += await TotalFailuresAsync("{c:" + Maria.Id + "}authn:" + await PendingEnrollmentIdAsync());
            Advance(TimeSpan.FromSeconds(30));
        }

        Assert.InRange(evaluated, 1, Budget);
        Assert.Contains("AUTHENTICATOR_NOT_PENDING", transcript);

        var (lastEnrolled, lastCode) = await EnrollAsync(session);
        Assert.Equal("AUTHENTICATOR_NOT_PENDING", await ReasonAsync(() => Next().Api.ConfirmAuthenticatorAsync(session, AppCode(lastEnrolled), lastCode)));
        Assert.Equal(0, await TotalFailuresAsync("{c:" + Maria.Id + "}authn:" + await PendingEnrollmentIdAsync()));
    }

    private async Task<Attack> AttackRecoveriesForADayAsync((string Card, string Expiry, string Document) card)
    {
        var evaluated = 0;
        var codesSent = 0;
        int? codesSentBeforeBlocked = null;
        var transcript = new List<string>();
        var end = Now + TimeSpan.FromHours(24);
        while (Now < end)
        {
            var node = Next();
            var mark = node.Factory.Outbox.Count;
            StartRecoveryResponse started;
            try
            {
                started = await node.Api.StartAsync(card.Card, card.Expiry, card.Document);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                Advance(TimeSpan.FromMinutes(1));
                continue;
            }

            // The attacker does not know the code; a code the customer was sent is only used to be sure of guessing wrong.
            var sent = node.Factory.Outbox.Since(mark).Where(n => n.Template == NotificationTemplates.RecoveryCode).Select(n => n.Values["code"]).ToList();
            codesSent += sent.Count;
            var guess = Other(sent.Count > 0 ? sent[0] : "000000");
            for (var tries = 0; tries < 4; tries++)
            {
                var answer = await ReasonAsync(() => Next().Api.ConfirmAsync(started.RecoveryId, guess));
                transcript.Add(answer);
                if (answer == "CODE_BURNED")
                {
                    Advance(TimeSpan.FromSeconds(30));
                    var resendNode = Next();
                    var resendMark = resendNode.Factory.Outbox.Count;
                    var resent = await ReasonAsync(() => resendNode.Api.ResendAsync(started.RecoveryId));
                    transcript.Add("resend:" + resent);
                    var again = resendNode.Factory.Outbox.Since(resendMark).Where(n => n.Template == NotificationTemplates.RecoveryCode).ToList();
                    codesSent += again.Count;
                    guess = again.Count > 0 ? Other(again[0].Values["code"]) : guess;
                    if (resent != "OK")
                    {
                        break;
                    }
                }
                else if (answer != "CODE_INCORRECT")
                {
                    codesSentBeforeBlocked ??= codesSent;
                    break;
                }
            }

            evaluated += await RecoveryFailuresAsync(started.RecoveryId);
            Advance(TimeSpan.FromMinutes(12));
        }

        return new Attack(evaluated, transcript, codesSent, codesSentBeforeBlocked ?? -1);
    }

    private async Task<(string Ticket, string Temporary)> RecoverAndLogInAsync(DemoCustomer customer)
    {
        var node = Next();
        var mark = node.Factory.Outbox.Count;
        var started = await node.Api.StartAsync(customer);
        var code = node.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryCode).Values["code"];
        node = Next();
        mark = node.Factory.Outbox.Count;
        await node.Api.ConfirmAsync(started.RecoveryId, code);
        var temporary = node.Factory.Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword).Values["temporary_password"];
        var login = await Next().Api.LoginAsync(customer.UserCode, temporary);
        return (login.PasswordChangeRequired.ChangeTicket, temporary);
    }

    private async Task<(Operation Operation, string Code)> OpenChangeAsync(string ticket, string temporary)
    {
        var node = Next();
        var mark = node.Factory.Outbox.Count;
        var operation = (await node.Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword)).Operation;
        return (operation, node.Factory.Outbox.Single(mark, NotificationTemplates.OperationCode).Values["code"]);
    }

    private async Task<(EnrollAuthenticatorResponse Enrolled, string SmsCode)> EnrollAsync(string session)
    {
        var node = Next();
        var mark = node.Factory.Outbox.Count;
        var enrolled = await node.Api.EnrollAuthenticatorAsync(session);
        return (enrolled, node.Factory.Outbox.Single(mark, NotificationTemplates.AuthenticatorCode).Values["code"]);
    }

    private async Task<string> PendingEnrollmentIdAsync()
    {
        var store = nodes[0].Factory.Services.GetRequiredService<IAuthenticatorStore>();
        var pending = await store.GetPendingAsync(Maria.Id, Now, CancellationToken.None).WaitAsync(RecoveryApi.Timeout);
        return Assert.IsType<AuthServer.Otp.Authenticator>(pending).Id;
    }

    // Each evaluated wrong code adds exactly one to its challenge's total; a try that is not evaluated adds nothing.
    private static string OperationChallengeId(string operationId) => Operations.OperationLifecycle.ChallengeId(operationId);

    private async Task<int> TotalFailuresAsync(string challengeId)
    {
        var store = nodes[0].Factory.Services.GetRequiredService<IChallengeStore>();
        var challenge = await store.GetAsync(challengeId, CancellationToken.None).WaitAsync(RecoveryApi.Timeout);
        return challenge?.TotalFailures ?? 0;
    }

    // A recovery's challenge id names its group (the document's), which only the recovery's record holds.
    private async Task<int> RecoveryFailuresAsync(string recoveryId)
    {
        var recovery = await nodes[0].Factory.Services.GetRequiredService<IRecoveryStore>().GetAsync(recoveryId, CancellationToken.None).WaitAsync(RecoveryApi.Timeout);
        Assert.NotNull(recovery);
        return await TotalFailuresAsync(RecoveryFlow.ChallengeId(recovery));
    }

    // Otp.NET's own TOTP plays the attacker's app (the attacker enrolled it and holds its secret).
    private string AppCode(EnrollAuthenticatorResponse enrolled) =>
        new Totp(Base32Encoding.ToBytes(enrolled.Secret)).ComputeTotp(Now.UtcDateTime);

    private DateTimeOffset Now => nodes[0].Factory.Time.GetUtcNow();

    private Node Next() => nodes[next++ % nodes.Count];

    // Every node's clock moves together: on Redis they share the store and judge expiry by the time they are given.
    private void Advance(TimeSpan span)
    {
        foreach (var node in nodes)
        {
            node.Factory.Time.Advance(span);
        }
    }

    private static async Task<string> ReasonAsync(Func<Task> call)
    {
        try
        {
            await call();
            return "OK";
        }
        catch (RpcException ex)
        {
            return ex.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason ?? ex.StatusCode.ToString();
        }
    }

    private static string Other(string code) =>
        ((int.Parse(code, CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    private sealed record Node(RecoveryServerFactory Factory, RecoveryApi Api);

    private sealed record Attack(int Evaluated, IReadOnlyList<string> Transcript, int CodesSent, int CodesSentBeforeBlocked);
}
